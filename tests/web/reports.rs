//! The report form over plain HTTP: what it refuses (another site, no cookie, a token for
//! another entry, patient information, a sixth report in an hour) and that what it accepts
//! reaches the moderators' queue.

use crate::site::{Site, client, get};

/// The form cookie a page set, as a `Cookie` header value.
fn cookie_of(headers: &reqwest::header::HeaderMap) -> String {
    let set = headers["set-cookie"].to_str().expect("a cookie");
    set.split(';').next().expect("name=value").to_owned()
}

/// The report form's token on an entry's page.
fn token_of(body: &str) -> String {
    let start = body.find("name=\"token\" value=\"").expect("a token field") + 20;
    body[start..]
        .split('"')
        .next()
        .expect("its value")
        .to_owned()
}

async fn post(
    http: &reqwest::Client,
    site: &Site,
    key: &str,
    cookie: Option<&str>,
    origin: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let mut request = http
        .post(site.url(&format!("/groups/{key}/report")))
        .header("origin", origin)
        .form(fields);
    if let Some(c) = cookie {
        request = request.header("cookie", c);
    }
    let response = request.send().await.expect("a POST");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a body"))
}

#[tokio::test]
async fn a_report_needs_this_sites_cookie_and_token_and_an_address_is_held_back_after_five_an_hour()
{
    let site = Site::start(&[]).await;
    let http = client();
    let origin = site.base.clone();
    let (_, headers, page) = get(&http, &site.url("/groups/tacls")).await;
    let cookie = cookie_of(&headers);
    assert!(
        headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("SameSite=Strict")
    );
    let token = token_of(&page);
    let fields = [
        ("token", token.as_str()),
        ("reason", "outdated"),
        ("details", "moved"),
    ];

    // Refused before anything is read.
    let (status, body) = post(&http, &site, "tacls", None, &origin, &fields).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("did not send back this site's form cookie"),
        "{body}"
    );
    let (status, body) = post(
        &http,
        &site,
        "tacls",
        Some(&cookie),
        "https://evil.example",
        &fields,
    )
    .await;
    assert_eq!(status, 403);
    assert!(body.contains("sent from another site"), "{body}");
    let (status, body) = post(&http, &site, "ascls", Some(&cookie), &origin, &fields).await;
    assert_eq!(status, 403);
    assert!(body.contains("expired or was changed"), "{body}");

    // Patient information is refused, and said back only to the visitor.
    let phi = [
        ("token", token.as_str()),
        ("reason", "wrong-info"),
        ("details", "pt John Smith MRN 12345678"),
    ];
    let (status, body) = post(&http, &site, "tacls", Some(&cookie), &origin, &phi).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("looks like a medical record number"),
        "{body}"
    );
    let review = site.moderator("/review\n");
    assert!(
        !review.stdout.contains("reported entr"),
        "{}",
        review.stdout
    );

    // Five reports an hour from one address are kept; the sixth is not.
    let keys = ["tacls", "ascls", "aabb", "ascp", "oh-histo", "amt"];
    for (i, key) in keys.iter().enumerate() {
        let (_, _, page) =
            get_with_cookie(&http, &site.url(&format!("/groups/{key}")), &cookie).await;
        let token = token_of(&page);
        let fields = [
            ("token", token.as_str()),
            ("reason", "outdated"),
            ("details", "The meeting moved."),
        ];
        let (status, body) = post(&http, &site, key, Some(&cookie), &origin, &fields).await;
        if i < 5 {
            assert_eq!(status, 200, "{key}: {body}");
            assert!(
                body.contains("Thank you: the directory's moderators will look at it"),
                "{body}"
            );
        } else {
            assert_eq!(status, 429, "{body}");
            assert!(
                body.contains("Please try again in 60 minutes. Nothing was reported."),
                "{body}"
            );
        }
    }
    let review = site.moderator("/review\n");
    assert!(
        review
            .stdout
            .contains("5 reported entries waiting for a look")
            && review
                .stdout
                .contains("outdated (from a web visitor): The meeting moved.")
            && !review.stdout.contains("amt:"),
        "{}",
        review.stdout
    );
}

async fn get_with_cookie(http: &reqwest::Client, url: &str, cookie: &str) -> (u16, (), String) {
    let response = http
        .get(url)
        .header("cookie", cookie)
        .send()
        .await
        .expect("a GET");
    (
        response.status().as_u16(),
        (),
        response.text().await.expect("a body"),
    )
}
