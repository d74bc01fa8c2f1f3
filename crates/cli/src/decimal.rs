//! Exact decimal strings <-> fixed point (no floats anywhere on the path into pm-risk).

/// Parses `"-12.345"` into an integer with `decimals` decimals, exactly; more fractional digits
/// than `decimals` is an error (no silent rounding of inputs).
pub fn parse(s: &str, decimals: u32) -> Result<i128, String> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty() && frac.is_empty() || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return Err(format!("not a decimal number: {s:?}"));
    }
    if frac.len() > decimals as usize {
        return Err(format!("{s:?} has more than {decimals} decimals"));
    }
    let digits = format!("{int}{frac:0<width$}", width = decimals as usize);
    let v: i128 = digits
        .trim_start_matches('0')
        .parse()
        .or_else(|_| {
            if digits.chars().all(|c| c == '0') {
                Ok(0)
            } else {
                Err(())
            }
        })
        .map_err(|_| format!("out of range: {s:?}"))?;
    Ok(if neg { -v } else { v })
}

/// Formats a fixed-point integer with `decimals` decimals, trailing zeros trimmed.
pub fn format(v: i128, decimals: u32) -> String {
    let scale = 10i128.pow(decimals);
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let (int, frac) = (a / scale as u128, a % scale as u128);
    if frac == 0 {
        return format!("{sign}{int}");
    }
    let f = format!("{frac:0width$}", width = decimals as usize);
    format!("{sign}{int}.{}", f.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_exactly() {
        assert_eq!(parse("65000.5", 18), Ok(65_000_500_000_000_000_000_000));
        assert_eq!(parse("-0.000001", 6), Ok(-1));
        assert_eq!(parse("0", 18), Ok(0));
        assert!(parse("1.0000001", 6).is_err());
        assert!(parse("1e5", 6).is_err());
        assert!(parse("", 6).is_err());
        assert_eq!(format(-1_500_000, 6), "-1.5");
        assert_eq!(format(42 * 10i128.pow(18), 18), "42");
    }
}
