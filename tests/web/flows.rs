//! A visitor in a real browser: search in their own words, filter, open a result, report a
//! problem; and the page on a phone, by keyboard.

use std::time::Duration;

use fantoccini::{Client, Locator};

use crate::browser::Browser;
use crate::site::Site;

/// The text of the first element matching `css`, waiting for it. After a click or a submit
/// the element may be found on the page being left and be gone when its text is asked for
/// (a stale element reference): it is then looked for again, on the new page.
async fn text_of(client: &Client, css: &str) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let element = client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"));
        match element.text().await {
            Ok(text) => return text,
            Err(e) if e.is_stale_element_reference() && std::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("the text of {css}: {e}"),
        }
    }
}

async fn field(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
}

#[tokio::test]
async fn a_visitor_searches_in_their_own_words_filters_opens_a_result_and_reports_a_problem() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let site = Site::start(&[]).await;
    let base = site.base.clone();
    browser
        .run("search_filter_open_report", |c| async move {
            c.goto(&base).await.expect("the directory page");
            assert_eq!(c.title().await.unwrap(), "Directory · labcircle");
            let crisis = text_of(&c, "aside.crisis").await;
            assert!(
                crisis.contains("988") && crisis.contains("741741"),
                "{crisis}"
            );

            let q = field(&c, "#q").await;
            q.send_keys("night shift phlebotomist in Texas")
                .await
                .unwrap();
            field(&c, "form.search button").await.click().await.unwrap();
            let results = text_of(&c, "section[aria-labelledby=results]").await;
            assert!(
                results.contains("Looking for: phlebotomy · Texas · night shift"),
                "{results}"
            );
            assert!(results.contains("Texas Association for Clinical Laboratory Science"));

            // Filters, without words.
            field(&c, "#q").await.clear().await.unwrap();
            field(&c, "#specialty")
                .await
                .select_by_value("histotechnology")
                .await
                .unwrap();
            field(&c, "#state")
                .await
                .select_by_value("OH")
                .await
                .unwrap();
            field(&c, "form.search button").await.click().await.unwrap();
            let results = text_of(&c, "section[aria-labelledby=results]").await;
            assert!(
                results.contains("Looking for: histotechnology · Ohio"),
                "{results}"
            );
            assert!(!results.contains("Texas"), "{results}");
            // The filters stay chosen on the results page.
            let state = field(&c, "#state").await.prop("value").await.unwrap();
            assert_eq!(state.as_deref(), Some("OH"));

            c.find(Locator::LinkText("Histology Society of Ohio"))
                .await
                .expect("the result's link")
                .click()
                .await
                .unwrap();
            assert_eq!(text_of(&c, "h1").await, "Histology Society of Ohio");
            let fields = text_of(&c, "dl.fields").await;
            assert!(fields.contains("Nov 1, 2026"), "{fields}");

            field(&c, "#reason")
                .await
                .select_by_value("outdated")
                .await
                .unwrap();
            field(&c, "#details")
                .await
                .send_keys("Their meeting page moved.")
                .await
                .unwrap();
            c.find(Locator::XPath("//button[text()='Send report']"))
                .await
                .expect("the report button")
                .click()
                .await
                .unwrap();
            let done = text_of(&c, "p.done").await;
            assert!(done.contains("Thank you"), "{done}");
        })
        .await;
    let review = site.moderator("/review\n");
    assert!(
        review
            .stdout
            .contains("oh-histo: Histology Society of Ohio")
            && review
                .stdout
                .contains("outdated (from a web visitor): Their meeting page moved."),
        "{}",
        review.stdout
    );
}

#[tokio::test]
async fn on_a_phone_the_pages_fit_the_screen_and_the_keyboard_reaches_the_skip_link_first() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let site = Site::start(&[]).await;
    let base = site.base.clone();
    browser
        .run("phone_and_keyboard", |c| async move {
            c.set_window_size(390, 844)
                .await
                .expect("a phone-sized window");
            for path in [
                "/",
                "/?q=burned+out+histotech",
                "/groups/oh-histo",
                "/events",
            ] {
                c.goto(&format!("{base}{path}")).await.unwrap();
                let fits = c
                    .execute(
                        "return document.documentElement.scrollWidth <= window.innerWidth;",
                        vec![],
                    )
                    .await
                    .unwrap();
                assert_eq!(fits, serde_json::json!(true), "{path} scrolls sideways");
            }
            c.goto(&base).await.unwrap();
            field(&c, "body").await.send_keys("\u{E004}").await.unwrap();
            let focused = c.active_element().await.unwrap();
            assert_eq!(focused.text().await.unwrap(), "Skip to main content");
            let outline = c
                .execute(
                    "return getComputedStyle(document.activeElement).outlineStyle;",
                    vec![],
                )
                .await
                .unwrap();
            assert_eq!(outline, serde_json::json!("solid"), "a visible focus ring");
            focused.send_keys("\u{E007}").await.unwrap();
            let main = c
                .execute("return document.activeElement.id;", vec![])
                .await
                .unwrap();
            assert_eq!(
                main,
                serde_json::json!("main"),
                "Enter on the skip link moves focus"
            );
        })
        .await;
}
