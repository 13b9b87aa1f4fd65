//! Names nobody can guess: the access token, job ids and staging folder names.

/// The operating system gave no random numbers. (`getrandom::Error` is not a
/// `std::error::Error` without getrandom's `std` feature, so it is shown, not chained.)
#[derive(Debug, thiserror::Error)]
#[error("no random numbers from the system: {0}")]
pub struct NoRandom(pub getrandom::Error);

/// Fills `bytes` with random bits from the operating system.
pub fn fill(bytes: &mut [u8]) -> Result<(), NoRandom> {
    getrandom::fill(bytes).map_err(NoRandom)
}

/// 128 random bits from the operating system, as 32 hex digits.
pub fn random_hex() -> Result<String, NoRandom> {
    let mut bytes = [0u8; 16];
    fill(&mut bytes)?;
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
