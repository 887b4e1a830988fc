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

/// "25 MB", "1,5 GB": sizes in messages.
pub fn megabytes(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= 1024 * MB {
        let tenths = bytes * 10 / (1024 * MB);
        if tenths.is_multiple_of(10) {
            format!("{} GB", tenths / 10)
        } else {
            format!("{},{} GB", tenths / 10, tenths % 10)
        }
    } else {
        format!("{} MB", bytes.div_ceil(MB))
    }
}

/// "340 KB", "12,4 MB": a file's size in the library.
pub fn megabytes_exact(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * KB;
    if bytes < MB {
        format!("{} KB", bytes.div_ceil(KB))
    } else if bytes < 1024 * MB {
        let tenths = bytes * 10 / MB;
        format!("{},{} MB", tenths / 10, tenths % 10)
    } else {
        megabytes(bytes)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_as_vietnamese_write_them() {
        assert_eq!(super::megabytes(25 * 1024 * 1024), "25 MB");
        assert_eq!(super::megabytes(2 * 1024 * 1024 * 1024), "2 GB");
        assert_eq!(super::megabytes(3 * 512 * 1024 * 1024), "1,5 GB");
        assert_eq!(super::megabytes_exact(340 * 1024), "340 KB");
    }

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
