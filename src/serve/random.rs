//! Names nobody can guess: the access token, job ids and staging folder names.

/// 128 random bits from the operating system, as 32 hex digits.
pub fn random_hex() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random numbers from the system: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn random_hex_is_32_fresh_hex_digits() {
        let (a, b) = (super::random_hex().unwrap(), super::random_hex().unwrap());
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
