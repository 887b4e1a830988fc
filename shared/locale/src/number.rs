//! Numbers as Vietnamese write them.

/// 60000 → "60.000": Vietnamese groups thousands with dots.
pub fn grouped(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// 20.0 → "20,0": one decimal, with the comma Vietnamese write.
pub fn decimal(value: f64) -> String {
    format!("{value:.1}").replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_take_a_comma() {
        assert_eq!(decimal(20.0), "20,0");
        assert_eq!(decimal(4.54), "4,5");
    }

    #[test]
    fn thousands_are_grouped_with_dots() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(60_000), "60.000");
        assert_eq!(grouped(1_234_567), "1.234.567");
    }
}
