//! A price history: `date,NAME,NAME…` CSV of daily closes in USD, one row per calendar day
//! (crypto trades every day), oldest first, read into daily log returns per column
//! (`pm forecast`'s input). Column `u` is underlying index `u` on-chain.

/// Daily log returns of several underlyings over the same days.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// Column names from the header (the underlyings, in index order), distinct.
    pub names: Vec<String>,
    /// The date of each row after the first (the day each return ends).
    pub dates: Vec<String>,
    /// `returns[u][t]`: ln(close_t / close_{t-1}) of underlying `u`; all of one length.
    pub returns: Vec<Vec<f64>>,
}

/// Days since 1970-01-01 of an ISO `YYYY-MM-DD` date, or `None` if it is not one (the civil
/// calendar's day count, by months from March so February comes last).
pub fn day_number(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month[(m - 1) as usize] {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

impl History {
    /// Parses the CSV text. Errors (with the line number): no header or no price column, an
    /// empty or repeated column name, a row of the wrong width, a date that is not
    /// `YYYY-MM-DD` or not the day after the previous row's, a price that is not a finite number
    /// above zero, fewer than three rows.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let (_, header) = lines.next().ok_or("empty history")?;
        let names: Vec<String> = header.split(',').skip(1).map(|s| s.trim().to_string()).collect();
        if names.is_empty() || names.iter().any(String::is_empty) {
            return Err("line 1: want `date,NAME[,NAME…]`".into());
        }
        if let Some(twice) = names
            .iter()
            .enumerate()
            .find_map(|(i, n)| names[..i].contains(n).then_some(n))
        {
            return Err(format!("line 1: column {twice} appears twice"));
        }
        let mut dates: Vec<String> = Vec::new();
        let mut last_day: Option<i64> = None;
        let mut prices: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
        for (i, line) in lines {
            let at = i + 1;
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            if cells.len() != names.len() + 1 {
                return Err(format!(
                    "line {at}: {} cells, want {}",
                    cells.len(),
                    names.len() + 1
                ));
            }
            let date = cells[0];
            let day =
                day_number(date).ok_or_else(|| format!("line {at}: `{date}` is not a YYYY-MM-DD date"))?;
            if last_day.is_some_and(|last| day != last + 1) {
                return Err(format!(
                    "line {at}: {date} is not the day after the previous row's"
                ));
            }
            last_day = Some(day);
            for (column, cell) in prices.iter_mut().zip(&cells[1..]) {
                let p: f64 = cell
                    .parse()
                    .map_err(|_| format!("line {at}: `{cell}` is not a number"))?;
                if !p.is_finite() {
                    return Err(format!("line {at}: price {cell} is not a finite number"));
                }
                if p <= 0.0 {
                    return Err(format!("line {at}: price {cell} is not above zero"));
                }
                column.push(p);
            }
            dates.push(date.to_string());
        }
        if dates.len() < 3 {
            return Err(format!("{} rows: a history needs at least three", dates.len()));
        }
        let returns = prices
            .iter()
            .map(|p| p.windows(2).map(|w| w[1].ln() - w[0].ln()).collect())
            .collect();
        dates.remove(0);
        Ok(Self {
            names,
            dates,
            returns,
        })
    }

    /// Number of returns per underlying.
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// Whether there are no returns (never true for a parsed history).
    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    /// Index of the return that ends on `date`, if any.
    pub fn day(&self, date: &str) -> Option<usize> {
        self.dates.iter().position(|d| d == date)
    }
}
