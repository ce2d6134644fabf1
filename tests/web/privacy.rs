//! Nothing private is ever served: with members' profiles, check-ins, a meetup, a report and a
//! moderator's resolution in the database, every page reachable on the site (every search
//! page, every entry, the events) is read, and none of it names them.

use std::collections::{BTreeSet, VecDeque};

use scraper::{Html, Selector};

use crate::site::{Site, client, get};

/// Words that only members' data holds.
const PRIVATE: &[&str] = &[
    "alicezebra",
    "oliviaquokka",
    "mojaguar",
    "Secret Meetup Quokka",
    "Hidden Cafe Narwhal",
    "private-report-walrus",
    "moderator-note-okapi",
    "console:",
];

#[tokio::test]
async fn no_page_of_the_site_names_a_member_a_meetup_a_report_or_a_moderator() {
    let site = Site::start(&[
        (
            "alicezebra",
            "member",
            "/profile state:OH\n/checkin start\n/checkin now\n/checkin answer 2\n\
             /group report ascls reason:outdated details:private-report-walrus\n",
        ),
        (
            "oliviaquokka",
            "organizer",
            "/meetup create title:Secret Meetup Quokka when:Dec 10 6:30pm \
             where:Hidden Cafe Narwhal state:OH\n",
        ),
        (
            "mojaguar",
            "member",
            "/review report ascls dismissed note:moderator-note-okapi\n",
        ),
    ])
    .await;
    let http = client();
    let links = Selector::parse("a[href]").unwrap();
    let mut queue: VecDeque<String> = ["/", "/events"].map(str::to_owned).into();
    // Every entry is on some page of the search by kind.
    for kind in [
        "association",
        "online_community",
        "local_group",
        "peer_support",
        "crisis_line",
    ] {
        queue.push_back(format!("/?kind={kind}"));
    }
    let mut seen = BTreeSet::new();
    let mut entries = 0;
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        assert!(seen.len() < 1000, "the crawl does not end");
        let (status, _, body) = get(&http, &site.url(&path)).await;
        assert_eq!(status, 200, "{path}");
        for word in PRIVATE {
            assert!(!body.contains(word), "{path} shows {word:?}:\n{body}");
        }
        entries += usize::from(path.starts_with("/groups/"));
        let doc = Html::parse_document(&body);
        for a in doc.select(&links) {
            let href = a.value().attr("href").unwrap_or("").replace("&amp;", "&");
            if href.starts_with('/') && !href.starts_with("//") {
                queue.push_back(href);
            }
        }
    }
    assert!(entries >= 40, "only {entries} entry pages were reached");
    // The data is there: the moderator's resolution was recorded, only not shown.
    let review = site.moderator("/review\n");
    assert!(
        !review.stdout.contains("reported entr"),
        "{}",
        review.stdout
    );
}
