//! Two-factor sign-in's arithmetic: TOTP codes (RFC 6238 as the standard authenticator apps
//! use it: HMAC-SHA1, 30-second steps, 6 digits), new secrets, the `otpauth://` address a QR
//! code carries, and single-use recovery codes with the hash the store keeps. It must never
//! log a secret or a code, and never read the clock: the moment is a parameter.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use pelihara_domain::UserId;
use sha2::Digest;

/// Seconds per time step.
pub const STEP_SECONDS: i64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;
/// How many recovery codes a user is given at a time.
pub const RECOVERY_CODES: usize = 10;
/// Bytes of a new secret: 160 bits, the size RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
/// Bytes of a recovery code: 80 bits, so its SHA-256 cannot be reversed by trying them all.
const RECOVERY_BYTES: usize = 10;

/// The time step of the Unix time `seconds`.
pub fn step_at(seconds: i64) -> i64 {
    seconds.div_euclid(STEP_SECONDS)
}

/// A new random secret, base32 without padding (32 letters), as authenticator apps take it.
pub fn new_secret() -> String {
    let mut bytes = [0_u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut bytes);
    BASE32_NOPAD.encode(&bytes)
}

/// The key bytes of a base32 secret (spaces and case forgiven); `None` when it is not base32.
fn key_of(secret: &str) -> Option<Vec<u8>> {
    let cleaned: String = secret
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let cleaned = cleaned.trim_end_matches('=');
    BASE32_NOPAD.decode(cleaned.as_bytes()).ok()
}

/// The code of `secret` for time step `step` (RFC 4226's dynamic truncation of
/// HMAC-SHA1(key, step as 8 big-endian bytes)); `None` for a secret that is not base32.
pub fn code_at(secret: &str, step: i64) -> Option<u32> {
    let key = key_of(secret)?;
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).ok()?;
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let word = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    Some(word % 10_u32.pow(DIGITS))
}

/// The code as typed, when it is one: six digits, spaces allowed between them.
pub fn parse_code(typed: &str) -> Option<u32> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != DIGITS as usize || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The time step whose code `code` is, at Unix time `seconds`, within one step either side
/// (a phone's clock a little off); `None` when it matches none. All three are computed and
/// compared whatever matches, so the time taken does not tell which.
pub fn matching_step(secret: &str, code: u32, seconds: i64) -> Option<i64> {
    let now = step_at(seconds);
    let mut found = None;
    for step in [now - 1, now, now + 1] {
        let matches = code_at(secret, step).is_some_and(|expected| expected == code);
        if matches && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// The `otpauth://totp/` address an authenticator app reads from the QR code: the issuer and
/// the account name as the label, the secret, and the parameters spelled out (the apps'
/// defaults, written so none has to guess).
pub fn otpauth_uri(issuer: &str, account: &str, secret: &str) -> String {
    let issuer = percent_encode(issuer);
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        account = percent_encode(account),
    )
}

/// Percent-encodes everything but RFC 3986's unreserved characters (a space as `%20`, which
/// every authenticator reads; `+` is not a space in a path).
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The secret in groups of four, for typing into an app by hand.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// New recovery codes as shown to their owner: 16 lowercase base32 letters in groups of four
/// (`abcd-efgh-ijkl-mnop`).
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0_u8; RECOVERY_BYTES];
            OsRng.fill_bytes(&mut bytes);
            let letters = BASE32_NOPAD.encode(&bytes).to_ascii_lowercase();
            letters
                .as_bytes()
                .chunks(4)
                .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// A recovery code as typed, in the form it was drawn (case, spaces, dashes and digits that
/// look like letters forgiven);
/// `None` when it cannot be one.
pub fn parse_recovery_code(typed: &str) -> Option<String> {
    // Base32 has no 0, 1 or 8: read as the letters they are mistaken for on paper.
    let letters: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            '0' => 'O',
            '1' => 'L',
            '8' => 'B',
            other => other,
        })
        .collect();
    let bytes = BASE32_NOPAD.decode(letters.as_bytes()).ok()?;
    (bytes.len() == RECOVERY_BYTES).then(|| letters.to_ascii_lowercase())
}

/// What the store keeps of a recovery code: the SHA-256 (hex) of the user's id and the code
/// in the form [`parse_recovery_code`] gives, so equal codes of two users differ.
pub fn recovery_code_hash(user: UserId, code: &str) -> String {
    let mut hasher = sha2::Sha256::new();
    hasher.update(user.to_string().as_bytes());
    hasher.update(b":");
    hasher.update(code.as_bytes());
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 key, "12345678901234567890", in base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_match_rfc_6238_test_vectors() {
        // The RFC's 8-digit values; an app's 6-digit code is their last six digits.
        for (seconds, eight_digits) in [
            (59, 94_287_082_u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            assert_eq!(
                code_at(RFC_SECRET, step_at(seconds)),
                Some(eight_digits % 1_000_000),
                "{seconds}"
            );
        }
    }

    #[test]
    fn accepts_one_step_either_side_and_no_further() {
        let now = 1_234_567_890;
        let step = step_at(now);
        for (offset, expected) in [(-2, None), (-1, Some(-1)), (0, Some(0)), (1, Some(1))] {
            let code = code_at(RFC_SECRET, step + offset).expect("a code");
            assert_eq!(
                matching_step(RFC_SECRET, code, now),
                expected.map(|o| step + o),
                "offset {offset}"
            );
        }
        let late = code_at(RFC_SECRET, step + 2).expect("a code");
        assert_eq!(matching_step(RFC_SECRET, late, now), None);
    }

    #[test]
    fn reads_codes_and_secrets_forgivingly() {
        assert_eq!(parse_code(" 123 456 "), Some(123_456));
        assert_eq!(parse_code("012345"), Some(12_345));
        for bad in ["12345", "1234567", "12a456", "", "１２３４５６"] {
            assert_eq!(parse_code(bad), None, "{bad}");
        }
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        let lower = grouped(&secret).to_lowercase();
        assert_eq!(code_at(&lower, 7), code_at(&secret, 7));
        assert_eq!(code_at("not base32!", 7), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_read_back() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 19);
        let typed = code.to_uppercase().replace('-', " ");
        assert_eq!(
            parse_recovery_code(&typed).as_deref(),
            Some(code.replace('-', "").as_str())
        );
        assert_eq!(parse_recovery_code("123456"), None);
        assert_eq!(
            parse_recovery_code("l0b2-abcd-efgh-ijkl").as_deref(),
            parse_recovery_code("1082-ABCD-EFGH-IJK1").as_deref()
        );
        let user = UserId(uuid::Uuid::nil());
        let normal = parse_recovery_code(code).expect("a code");
        assert_eq!(
            recovery_code_hash(user, &normal),
            recovery_code_hash(user, &parse_recovery_code(&typed).expect("a code"))
        );
        assert_ne!(
            recovery_code_hash(user, &normal),
            recovery_code_hash(UserId(uuid::Uuid::from_u128(1)), &normal)
        );
    }

    #[test]
    fn the_address_names_issuer_account_and_parameters() {
        assert_eq!(
            otpauth_uri("Pelihara Dinkominfo", "budi.s", "ABCD"),
            "otpauth://totp/Pelihara%20Dinkominfo:budi.s?secret=ABCD&issuer=Pelihara%20Dinkominfo&algorithm=SHA1&digits=6&period=30"
        );
    }
}
