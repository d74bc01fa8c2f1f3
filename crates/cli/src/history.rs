//! A price history: `date,NAME,NAME…` CSV of daily closes in USD, one row per day, oldest
//! first, read into daily log returns per column (`pm forecast`'s input).

/// Daily log returns of several underlyings over the same days.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// Column names from the header (the underlyings, in index order).
    pub names: Vec<String>,
    /// The date of each row after the first (the day each return ends).
    pub dates: Vec<String>,
    /// `returns[u][t]`: ln(close_t / close_{t-1}) of underlying `u`.
    pub returns: Vec<Vec<f64>>,
}

impl History {
    /// Parses the CSV text. Errors (with the line number): no header or fewer than two price
    /// columns, a row of the wrong width, a price that is not a finite number above zero, dates
    /// not strictly increasing (ISO `YYYY-MM-DD` compares as text), fewer than three rows.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let (_, header) = lines.next().ok_or("empty history")?;
        let names: Vec<String> = header.split(',').skip(1).map(|s| s.trim().to_string()).collect();
        if names.is_empty() || names.iter().any(String::is_empty) {
            return Err("line 1: want `date,NAME[,NAME…]`".into());
        }
        let mut dates: Vec<String> = Vec::new();
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
            let date = cells[0].to_string();
            if dates.last().is_some_and(|last| *last >= date) {
                return Err(format!("line {at}: date {date} is not after the previous row's"));
            }
            for (column, cell) in prices.iter_mut().zip(&cells[1..]) {
                let p: f64 = cell
                    .parse()
                    .map_err(|_| format!("line {at}: `{cell}` is not a number"))?;
                if !(p.is_finite() && p > 0.0) {
                    return Err(format!("line {at}: price {cell} is not above zero"));
                }
                column.push(p);
            }
            dates.push(date);
        }
        if dates.len() < 3 {
            return Err(format!("{} rows: a history needs at least three", dates.len()));
        }
        let returns = prices
            .iter()
            .map(|p| p.windows(2).map(|w| (w[1] / w[0]).ln()).collect())
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
