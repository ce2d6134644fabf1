//! Every kind of page, read over HTTP: valid HTML, the crisis lines first, one `h1` and headings
//! in order, a label for every field, the security headers; and the search the bot uses.
//!
//! HTML validity is html5ever's (the HTML standard's parsing algorithm, as Servo and scraper
//! use it): any parse error it reports fails the test. That catches what matters for a
//! server-rendered page (unclosed or misnested elements, bad attributes, stray end tags, a
//! missing doctype) without a Java runtime for the Nu validator; the structure rules the
//! parser cannot see (labels, headings, lang, viewport) are checked below by hand.

use scraper::{Html, Selector};

use crate::site::{Site, client, get};

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).expect("a CSS selector");
    doc.select(&selector).collect()
}

/// Checks one page; returns its document.
fn check_page(path: &str, body: &str) -> Html {
    let doc = Html::parse_document(body);
    assert!(
        doc.errors.is_empty(),
        "{path}: the HTML has parse errors {:?}:\n{body}",
        doc.errors
    );
    assert!(body.starts_with("<!DOCTYPE html>"), "{path}: no doctype");
    assert_eq!(select(&doc, "html[lang=en]").len(), 1, "{path}: lang");
    assert_eq!(
        select(&doc, "meta[name=viewport]").len(),
        1,
        "{path}: no viewport meta"
    );
    assert_eq!(select(&doc, "h1").len(), 1, "{path}: one h1");
    // Headings in order: never more than one level deeper than the one before.
    let mut last = 1;
    for h in select(&doc, "h1, h2, h3, h4, h5, h6") {
        let level: u32 = h.value().name()[1..].parse().expect("a heading level");
        assert!(level <= last + 1, "{path}: h{level} after h{last}");
        last = level;
    }
    // The skip link first, the crisis lines before the main content.
    let first_link = select(&doc, "body a").into_iter().next().expect("a link");
    assert_eq!(first_link.value().attr("href"), Some("#main"), "{path}");
    let crisis: String = select(&doc, "aside.crisis")
        .first()
        .map(|a| a.text().collect())
        .unwrap_or_default();
    assert!(
        crisis.contains("988") && crisis.contains("741741"),
        "{path}: crisis lines {crisis:?}"
    );
    assert!(body.find("class=\"crisis\"") < body.find("<main"), "{path}");
    // Every field has a label.
    for field in select(&doc, "input:not([type=hidden]), select, textarea") {
        let id = field
            .value()
            .attr("id")
            .unwrap_or_else(|| panic!("{path}: a field without id"));
        assert_eq!(
            select(&doc, &format!("label[for={id}]")).len(),
            1,
            "{path}: no label for #{id}"
        );
    }
    // No script, no style or asset from elsewhere.
    assert!(select(&doc, "script").is_empty(), "{path}: a script");
    for link in select(&doc, "link, img") {
        let target = link
            .value()
            .attr("href")
            .or(link.value().attr("src"))
            .unwrap_or("");
        assert!(target.starts_with('/'), "{path}: an outside asset {target}");
    }
    doc
}

#[tokio::test]
async fn every_kind_of_page_is_valid_html_with_the_crisis_lines_first_and_a_label_for_every_field()
{
    let site = Site::start(&[]).await;
    let http = client();
    let pages = [
        ("/", 200),
        ("/?q=night+shift+phlebotomist+in+Texas", 200),
        ("/?q=burnout&page=2", 200),
        ("/?specialty=histotechnology&state=OH", 200),
        ("/?q=zzqqxx&state=WY&kind=peer_support", 200),
        ("/?state=Atlantis", 400),
        ("/?q=I+want+to+die", 200),
        ("/groups/tacls", 200),
        ("/groups/no-such-entry", 404),
        ("/events", 200),
        ("/nowhere", 404),
    ];
    for (path, status) in pages {
        let (got, headers, body) = get(&http, &site.url(path)).await;
        assert_eq!(got, status, "{path}:\n{body}");
        check_page(path, &body);
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
        };
        assert!(
            header("content-security-policy").starts_with("default-src 'self'"),
            "{path}"
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "same-origin", "{path}");
        assert!(header("content-type").starts_with("text/html"), "{path}");
    }
    let (status, headers, css) = get(&http, &site.url("/style.css")).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(css.contains(":focus-visible"), "a visible focus style");
}

#[tokio::test]
async fn the_web_search_reads_words_as_the_bot_does_and_says_why_a_filter_is_refused() {
    let site = Site::start(&[]).await;
    let http = client();
    let (_, _, body) = get(&http, &site.url("/?q=night+shift+phlebotomist+in+Texas")).await;
    let doc = Html::parse_document(&body);
    let text: String = select(&doc, "main").first().unwrap().text().collect();
    assert!(
        text.contains("Looking for: phlebotomy · Texas · night shift"),
        "{text}"
    );
    assert!(
        text.contains("Texas Association for Clinical Laboratory Science"),
        "{text}"
    );
    assert!(text.contains("checked Nov 2026"), "{text}");
    // Every result links to its own page.
    let first = select(&doc, "ol.results h3 a");
    assert!(!first.is_empty());
    assert!(
        first[0]
            .value()
            .attr("href")
            .unwrap()
            .starts_with("/groups/")
    );

    let (_, _, body) = get(&http, &site.url("/?specialty=histotechnology&state=OH")).await;
    assert!(body.contains("Histology Society of Ohio"), "{body}");

    let (status, _, body) = get(&http, &site.url("/?state=Atlantis")).await;
    assert_eq!(status, 400);
    assert!(
        body.contains("&quot;Atlantis&quot; is not a US state I know"),
        "{body}"
    );

    let (_, _, body) = get(&http, &site.url("/?q=I+want+to+die")).await;
    assert!(body.contains("Talk to someone now") && !body.contains("ol class=\"results\""));

    // What a visitor typed comes back escaped, never as markup.
    let (_, _, body) = get(&http, &site.url("/?q=%3Cscript%3Ealert(1)%3C/script%3E")).await;
    assert!(
        !body.contains("<script>") && body.contains("&lt;script&gt;"),
        "{body}"
    );
}

#[tokio::test]
async fn the_web_page_stops_with_the_bot_within_five_seconds_even_with_a_visitor_connected() {
    let mut site = Site::start(&[]).await;
    let http = client();
    // A kept-alive connection from a visitor who went quiet.
    let (status, _, _) = get(&http, &site.url("/")).await;
    assert_eq!(status, 200);
    let sent = std::time::Instant::now();
    let status = site
        .process
        .terminate(std::time::Duration::from_secs(5))
        .await
        .unwrap_or_else(|| {
            panic!(
                "still running 5 s after SIGTERM:\n{}",
                site.process.output()
            )
        });
    assert_eq!(status.code(), Some(0), "{}", site.process.output());
    assert!(site.process.stderr().contains("labcircle: stopping"));
    eprintln!("stopped {:?} after SIGTERM", sent.elapsed());
    assert!(
        http.get(site.url("/")).send().await.is_err(),
        "still answering"
    );
}
