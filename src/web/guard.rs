//! The report form's protections: a signed token against cross-site requests, and a limit on
//! how often one client address reports.
//!
//! # Why these checks, and why all of them
//! A visitor has no account and no session, so there is nothing to steal; what a forged
//! request could do is make other people's browsers file reports (spam in the moderators'
//! queue, or a report that looks like it came from many people). A report is accepted only
//! when all of these hold:
//!
//! 1. **A cookie only this site's own pages can send back.** The entry's page sets `lc_form`, a
//!    random nonce, `HttpOnly; SameSite=Strict`: browsers do not attach it to a request that
//!    another site starts (a form or a script elsewhere posting here), so a cross-site POST
//!    arrives without it.
//! 2. **A token in the form, signed for that cookie.** The hidden `token` field is
//!    `ISSUED.HMAC-SHA-256(key, nonce | entry key | ISSUED)` with a key drawn at start-up and
//!    never sent anywhere. Another site can neither read the page (no CORS) nor compute a token,
//!    and a token from one entry's page or one browser does not serve for another. Tokens last
//!    [`TOKEN_LIFETIME`]; a restart (new key) asks the visitor to reload the page.
//! 3. **The browser's word on where the request came from.** `Origin`, when sent (every current
//!    browser sends it on a POST), must be this site as the request names it (`Host`), and
//!    `Sec-Fetch-Site`, when sent, must be `same-origin`. These refuse a forged POST even from a
//!    browser that ignores SameSite.
//!
//! The limit ([`ReportLimiter`]) counts reports kept per client address in memory: a restart
//! forgets it, which an hour's window can afford. IPv6 addresses count by their /64 (one
//! household or phone gets a whole /64).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use axum::http::header::{COOKIE, HOST, ORIGIN};
use chacha20poly1305::aead::OsRng;
use chacha20poly1305::aead::rand_core::RngCore;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The cookie that carries the form's nonce.
pub const COOKIE_NAME: &str = "lc_form";
/// How long a form's token is accepted.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(2 * 60 * 60);

/// Why a form was refused before anything was read from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// `Origin` or `Sec-Fetch-Site` says another site sent it.
    CrossSite,
    /// No form cookie: cookies are off, or the request came from another site.
    NoCookie,
    /// The token is missing, forged, for another entry or browser, or too old.
    BadToken,
}

/// Signs and checks form tokens.
pub struct FormGuard {
    key: [u8; 32],
    started: Instant,
}

impl FormGuard {
    /// A guard with a fresh random key.
    pub fn new() -> Self {
        let mut key = [0u8; 32];
        OsRng.fill_bytes(&mut key);
        Self {
            key,
            started: Instant::now(),
        }
    }

    /// A fresh nonce for the form cookie (16 random bytes, hex).
    pub fn nonce() -> String {
        let mut bytes = [0u8; 16];
        OsRng.fill_bytes(&mut bytes);
        hex(&bytes)
    }

    /// The token for the report form of entry `key`, for the browser holding `nonce`.
    pub fn token(&self, nonce: &str, key: &str) -> String {
        let issued = self.started.elapsed().as_secs();
        format!("{issued}.{}", hex(&self.mac(nonce, key, issued)))
    }

    fn mac(&self, nonce: &str, key: &str, issued: u64) -> Vec<u8> {
        self.hmac(nonce, key, issued)
            .finalize()
            .into_bytes()
            .to_vec()
    }

    fn hmac(&self, nonce: &str, key: &str, issued: u64) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes a key of any length");
        mac.update(format!("report|{nonce}|{key}|{issued}").as_bytes());
        mac
    }

    /// Checks a posted report form for entry `key` (see the module documentation).
    pub fn check(&self, headers: &HeaderMap, key: &str, token: &str) -> Result<(), Refused> {
        if !same_origin(headers) {
            return Err(Refused::CrossSite);
        }
        let nonce = form_cookie(headers).ok_or(Refused::NoCookie)?;
        let (issued, mac) = token.split_once('.').ok_or(Refused::BadToken)?;
        let issued: u64 = issued.parse().map_err(|_| Refused::BadToken)?;
        let mac = unhex(mac).ok_or(Refused::BadToken)?;
        let age = self.started.elapsed().as_secs().checked_sub(issued);
        if age.is_none_or(|age| age > TOKEN_LIFETIME.as_secs()) {
            return Err(Refused::BadToken);
        }
        // Compared in constant time.
        self.hmac(&nonce, key, issued)
            .verify_slice(&mac)
            .map_err(|_| Refused::BadToken)
    }
}

impl Default for FormGuard {
    fn default() -> Self {
        Self::new()
    }
}

/// The form cookie's nonce, when the request carries a well-formed one.
pub fn form_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_owned())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `Set-Cookie` value for a new nonce.
pub fn set_cookie(nonce: &str) -> String {
    format!("{COOKIE_NAME}={nonce}; Path=/; HttpOnly; SameSite=Strict")
}

/// Whether the browser's headers say the request came from this site: `Sec-Fetch-Site` (when
/// sent) is `same-origin`, and `Origin` (when sent) is `http(s)://` + the `Host` asked for.
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site")
        && site.as_bytes() != b"same-origin"
    {
        return false;
    }
    let Some(origin) = headers.get(ORIGIN) else {
        return true;
    };
    let (Ok(origin), Some(Ok(host))) = (origin.to_str(), headers.get(HOST).map(|h| h.to_str()))
    else {
        return false;
    };
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|o| o.eq_ignore_ascii_case(host))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// Reports kept per client address in the last hour, in memory.
pub struct ReportLimiter {
    per_hour: usize,
    window: Duration,
    seen: Mutex<HashMap<IpAddr, Vec<Instant>>>,
}

impl ReportLimiter {
    pub fn new(per_hour: u32) -> Self {
        Self {
            per_hour: per_hour as usize,
            window: Duration::from_secs(60 * 60),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// When `addr` may report again, if it has reached the limit; `None` when it may now.
    pub fn wait(&self, addr: IpAddr) -> Option<Duration> {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let times = seen.get_mut(&bucket(addr))?;
        times.retain(|t| now.duration_since(*t) < self.window);
        (times.len() >= self.per_hour)
            .then(|| times.first().map(|t| self.window - now.duration_since(*t)))
            .flatten()
    }

    /// Counts a report kept for `addr`.
    pub fn record(&self, addr: IpAddr) {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        // Memory stays bounded: addresses with nothing in the window are dropped now and then.
        if seen.len() > 10_000 {
            seen.retain(|_, times| times.iter().any(|t| now.duration_since(*t) < self.window));
        }
        seen.entry(bucket(addr)).or_default().push(now);
    }
}

/// The address a limit counts: IPv4 as is, IPv6 by its /64.
fn bucket(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn posted(cookie: Option<&str>, origin: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(HOST, HeaderValue::from_static("lab.example:8080"));
        if let Some(c) = cookie {
            h.insert(
                COOKIE,
                HeaderValue::from_str(&format!("a=b; {COOKIE_NAME}={c}")).unwrap(),
            );
        }
        if let Some(o) = origin {
            h.insert(ORIGIN, HeaderValue::from_str(o).unwrap());
        }
        h
    }

    #[test]
    fn a_token_is_accepted_only_with_its_cookie_its_entry_and_this_site_as_origin() {
        let guard = FormGuard::new();
        let nonce = FormGuard::nonce();
        let token = guard.token(&nonce, "ascls");
        let ok = posted(Some(&nonce), Some("http://lab.example:8080"));
        assert_eq!(guard.check(&ok, "ascls", &token), Ok(()));
        assert_eq!(guard.check(&ok, "other", &token), Err(Refused::BadToken));
        let other = posted(Some(&FormGuard::nonce()), Some("http://lab.example:8080"));
        assert_eq!(guard.check(&other, "ascls", &token), Err(Refused::BadToken));
        let no_cookie = posted(None, Some("http://lab.example:8080"));
        assert_eq!(
            guard.check(&no_cookie, "ascls", &token),
            Err(Refused::NoCookie)
        );
        let evil = posted(Some(&nonce), Some("https://evil.example"));
        assert_eq!(guard.check(&evil, "ascls", &token), Err(Refused::CrossSite));
        let null = posted(Some(&nonce), Some("null"));
        assert_eq!(guard.check(&null, "ascls", &token), Err(Refused::CrossSite));
        let mut cross = posted(Some(&nonce), None);
        cross.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert_eq!(
            guard.check(&cross, "ascls", &token),
            Err(Refused::CrossSite)
        );
        // One character changed (to one it is not, or the "forgery" is the token itself).
        let last = if token.ends_with('0') { '1' } else { '0' };
        let forged = format!("{}{last}", &token[..token.len() - 1]);
        assert_eq!(guard.check(&ok, "ascls", &forged), Err(Refused::BadToken));
        assert_eq!(
            FormGuard::new().check(&ok, "ascls", &token),
            Err(Refused::BadToken)
        );
    }

    #[test]
    fn an_address_is_held_back_after_its_hourly_reports_and_its_neighbours_are_not() {
        let limiter = ReportLimiter::new(2);
        let a: IpAddr = "2001:db8::1".parse().unwrap();
        let same_64: IpAddr = "2001:db8::2".parse().unwrap();
        let other: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(limiter.wait(a), None);
        limiter.record(a);
        limiter.record(same_64);
        let wait = limiter.wait(a).expect("the /64 has used its two reports");
        assert!(wait > Duration::from_secs(3500) && wait <= Duration::from_secs(3600));
        assert_eq!(limiter.wait(other), None);
    }
}
