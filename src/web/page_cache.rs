//! Search result pages kept ready (`[web] page_cache`): most visitors ask what others asked a
//! moment ago, and understanding a query, ranking and rendering a page of results cost far more
//! than sending it.
//!
//! A page is kept with the [`WebSnapshot`] it was built from and served again only while the
//! current snapshot is the same one: any change to the directory (from this process at once,
//! from another within a second), any recorded link check, and midnight drop every kept page.
//! At most `capacity` pages are kept; past that the oldest goes. Only searches that showed
//! results or "no matches" are kept (never an entry's page with its form token, never an
//! error); nothing private is on these pages.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use axum::body::Bytes;

use crate::bot::WebSnapshot;

/// The longest search kept, in bytes of its key: well above any real search (the words are
/// read up to 200 characters), so a stream of padded addresses cannot fill memory with pages
/// that each echo a long query back.
const MAX_KEY_BYTES: usize = 2048;

/// Kept pages, by the search as the visitor's browser sent it.
#[derive(Debug)]
pub struct PageCache {
    capacity: usize,
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    /// What every kept page was built from.
    snapshot: Option<WebSnapshot>,
    pages: HashMap<String, Bytes>,
    /// Keys, oldest first.
    order: VecDeque<String>,
}

impl Kept {
    /// Forgets every page unless they were built from `snapshot`.
    fn align(&mut self, snapshot: &WebSnapshot) {
        if !self.snapshot.as_ref().is_some_and(|s| s.same_as(snapshot)) {
            self.pages.clear();
            self.order.clear();
            self.snapshot = Some(snapshot.clone());
        }
    }
}

impl PageCache {
    /// Keeps at most `capacity` pages (0: none).
    pub fn new(capacity: usize) -> PageCache {
        PageCache {
            capacity,
            kept: Mutex::default(),
        }
    }

    /// The page for `key` built from `snapshot`, if kept.
    pub fn get(&self, snapshot: &WebSnapshot, key: &str) -> Option<Bytes> {
        if self.capacity == 0 {
            return None;
        }
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.align(snapshot);
        kept.pages.get(key).cloned()
    }

    /// Keeps `page`, built from `snapshot`, for `key`.
    pub fn put(&self, snapshot: &WebSnapshot, key: String, page: Bytes) {
        if self.capacity == 0 || key.len() > MAX_KEY_BYTES {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.align(snapshot);
        if kept.pages.contains_key(&key) {
            return;
        }
        while kept.pages.len() >= self.capacity {
            let Some(oldest) = kept.order.pop_front() else {
                break;
            };
            kept.pages.remove(&oldest);
        }
        kept.order.push_back(key.clone());
        kept.pages.insert(key, page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::Bot;

    #[tokio::test]
    async fn a_page_is_served_again_only_from_the_same_directory_and_the_oldest_goes_first() {
        let bot = Bot::over_shipped_directory().await;
        let before = bot.web_snapshot().await.unwrap();
        let cache = PageCache::new(2);
        cache.put(&before, "a".into(), Bytes::from_static(b"A"));
        cache.put(&before, "b".into(), Bytes::from_static(b"B"));
        assert_eq!(cache.get(&before, "a").as_deref(), Some(&b"A"[..]));
        cache.put(&before, "c".into(), Bytes::from_static(b"C"));
        assert_eq!(cache.get(&before, "a"), None, "the oldest page goes first");
        assert_eq!(cache.get(&before, "c").as_deref(), Some(&b"C"[..]));

        // A moderator's edit: the next snapshot is another, and nothing kept is served.
        bot.edit_an_entry().await;
        let after = bot.web_snapshot().await.unwrap();
        assert!(!after.same_as(&before));
        assert_eq!(cache.get(&after, "c"), None);

        // A search padded far past what is read is answered but not kept.
        let long = "q".repeat(MAX_KEY_BYTES + 1);
        cache.put(&after, long.clone(), Bytes::from_static(b"L"));
        assert_eq!(cache.get(&after, &long), None);

        let off = PageCache::new(0);
        off.put(&after, "a".into(), Bytes::from_static(b"A"));
        assert_eq!(off.get(&after, "a"), None);
    }
}
