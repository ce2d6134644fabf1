//! The public directory web page (`[web] listen`): server-rendered HTML with axum, no script.
//!
//! Pages: `/` (the directory, its search box and filters: the same search as `/findgroup`),
//! `/groups/KEY` (an entry in full, with a "report a problem" form into the moderators'
//! queue), `/events` (upcoming conferences and events) and `/style.css`. Every page opens with
//! the crisis lines.
//!
//! Nothing private is served: the pages read only the directory, the link check's verdicts
//! and the events file, through [`Bot`]'s `web_*` methods; no member, check-in, meetup, RSVP or
//! moderator appears anywhere. Reports are protected against cross-site forgery and limited
//! per client address ([`guard`] explains how). Every response carries a strict
//! Content-Security-Policy (`default-src 'self'`: no inline script or style, nothing from
//! elsewhere), `X-Content-Type-Options: nosniff` and `Referrer-Policy: same-origin` (no address of this site goes to another; not
//! `no-referrer`, under which browsers send `Origin: null` with the report form).

mod guard;
mod page_cache;
mod pages;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Form, Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt as _;
use maud::Markup;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::bot::{Bot, WebReportError, web_search_in};
use crate::config::Web;
use crate::domain::safety;
use crate::domain::search::{MAX_QUERY_CHARS, Region, SearchQuery};
use crate::domain::vocab::{Format, Kind, Specialty, Vocab};
use guard::{FormGuard, Refused, ReportLimiter};
use page_cache::PageCache;
use pages::{FormNote, SearchForm};

/// Results per page.
pub const PER_PAGE: usize = 10;

/// What every request handler shares: behind one `Arc`, so a request clones one pointer
/// rather than the bot's every part.
struct App {
    bot: Bot,
    guard: FormGuard,
    limiter: ReportLimiter,
    pages: PageCache,
}

/// Listens on the configured address (port 0: any free port; the returned listener knows
/// which).
pub async fn bind(config: &Web) -> anyhow::Result<TcpListener> {
    TcpListener::bind(config.listen).await.with_context(|| {
        format!(
            "cannot listen on {} for the web page ([web] listen)",
            config.listen
        )
    })
}

/// Serves the web page on `listener` until `stop` is cancelled; requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    bot: Bot,
    config: &Web,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    let app = router(bot, config);
    // A page goes out in one write; what follows a short write is not held back for an ACK.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "web: TCP_NODELAY not set");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move { stop.cancelled().await })
    .await
    .context("the web page stopped serving")
}

/// The routes, with the security headers on every response.
pub fn router(bot: Bot, config: &Web) -> Router {
    let app = Arc::new(App {
        bot,
        guard: FormGuard::new(),
        limiter: ReportLimiter::new(config.reports_per_hour),
        pages: PageCache::new(config.page_cache),
    });
    Router::new()
        .route("/", get(directory))
        .route("/groups/{key}", get(entry))
        .route("/groups/{key}/report", axum::routing::post(report))
        .route("/events", get(events))
        .route("/style.css", get(style))
        .fallback(not_found)
        // A report is a few hundred characters; nothing bigger is read.
        .layer(DefaultBodyLimit::max(16 * 1024))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(app)
}

async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

fn page(status: StatusCode, markup: Markup) -> Response {
    (status, markup).into_response()
}

fn internal(error: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %error, "web page failed");
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        pages::message(
            "Something went wrong",
            "The directory could not be read just now. Please try again in a moment.",
        ),
    )
}

/// The search form read into the query `/findgroup` would run, or what was wrong with it.
fn query_of(form: &SearchForm) -> Result<SearchQuery, String> {
    let text: String = form.q.trim().chars().take(MAX_QUERY_CHARS).collect();
    let mut query = SearchQuery::words(&text);
    let pick = |value: &str| (!value.trim().is_empty()).then(|| value.trim().to_owned());
    if let Some(v) = pick(&form.specialty) {
        query.specialty = Some(Specialty::parse(&v).map_err(|e| e.to_string())?);
    }
    if let Some(v) = pick(&form.state) {
        query.region = Some(Region::parse(&v).map_err(|e| e.to_string())?);
    }
    if let Some(v) = pick(&form.kind) {
        query.kind = Some(Kind::parse(&v).map_err(|e| e.to_string())?);
    }
    if let Some(v) = pick(&form.format) {
        query.format = Some(Format::parse(&v).map_err(|e| e.to_string())?);
    }
    if query.is_empty() {
        return Err(
            "Nothing to search for: write what you are looking for (how you feel, your role, \
             where you are), or choose a filter."
                .to_owned(),
        );
    }
    Ok(query)
}

async fn directory(State(app): State<Arc<App>>, Query(form): Query<SearchForm>) -> Response {
    if form.is_empty() {
        return page(StatusCode::OK, pages::directory(&form, None, None, None));
    }
    let snapshot = match app.bot.web_snapshot().await {
        Ok(snapshot) => snapshot,
        Err(e) => return internal(&e),
    };
    // The same search in the same directory on the same day: the same page. Only results are
    // kept, so a kept page's words were read below and did not speak of self-harm.
    let key = form.cache_key();
    if let Some(kept) = app.pages.get(&snapshot, &key) {
        return html_page(kept);
    }
    // Words of suicide or self-harm are answered as in a chat: the lines first.
    if safety::mentions_self_harm(&form.q) {
        return page(StatusCode::OK, pages::crisis_first(&form));
    }
    let refuse = |problem: &str| {
        page(
            StatusCode::BAD_REQUEST,
            pages::directory(&form, None, None, Some(problem)),
        )
    };
    let query = match query_of(&form) {
        Ok(q) => q,
        Err(problem) => return refuse(&problem),
    };
    let page_no = match form.page.trim() {
        "" => 1,
        p => match p.parse::<usize>() {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ => {
                return refuse(&format!(
                    "\"{}\" is not a page number; write a whole number from 1.",
                    p.chars().take(20).collect::<String>()
                ));
            }
        },
    };
    let found = web_search_in(&snapshot, query.clone(), (page_no - 1) * PER_PAGE, PER_PAGE);
    if found.total > 0 && found.entries.is_empty() {
        let pages = found.total.div_ceil(PER_PAGE);
        return refuse(&format!(
            "There {} only {pages} page{} of results for this search.",
            if pages == 1 { "is" } else { "are" },
            if pages == 1 { "" } else { "s" }
        ));
    }
    let results = Some((&found, page_no, PER_PAGE));
    let html = Bytes::from(pages::directory(&form, Some(&query), results, None).into_string());
    app.pages.put(&snapshot, key, html.clone());
    html_page(html)
}

/// A rendered page, as maud's `Markup` is sent (a kept page's bytes are shared, not copied).
fn html_page(html: Bytes) -> Response {
    let mut response = Response::new(axum::body::Body::from(html));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// An entry's page, with a report form signed for `nonce`.
async fn entry_response(
    app: &App,
    key: &str,
    nonce: &str,
    status: StatusCode,
    note: Option<FormNote<'_>>,
    typed: (&str, &str),
) -> Response {
    let (entry, dead_on) = match app.bot.web_entry(key).await {
        Ok(Some(found)) => found,
        Ok(None) => return not_found().await,
        Err(e) => return internal(&e),
    };
    let token = app.guard.token(nonce, &entry.key);
    let today = app.bot.today();
    let html = pages::entry_page(&entry, dead_on, today, &token, note, typed);
    let mut response = page(status, html);
    // The page holds a token for this browser: not kept by caches.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn entry(
    State(app): State<Arc<App>>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (nonce, fresh) = match guard::form_cookie(&headers) {
        Some(nonce) => (nonce, false),
        None => (FormGuard::nonce(), true),
    };
    let mut response = entry_response(&app, &key, &nonce, StatusCode::OK, None, ("", "")).await;
    if fresh
        && response.status() == StatusCode::OK
        && let Ok(cookie) = HeaderValue::from_str(&guard::set_cookie(&nonce))
    {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// The report form's fields.
#[derive(Debug, serde::Deserialize)]
struct ReportForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    details: String,
}

async fn report(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(key): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ReportForm>,
) -> Response {
    if let Err(why) = app.guard.check(&headers, &key, &form.token) {
        tracing::info!(refused = ?why, "web report refused before reading it");
        let text = match why {
            Refused::CrossSite => {
                "This form was sent from another site, so it was not accepted. Open the entry's \
                 page on this site and send the report from there. Nothing was reported."
            }
            Refused::NoCookie => {
                "Your browser did not send back this site's form cookie (cookies may be off). \
                 Allow cookies for this site, reload the entry's page and send the report again. \
                 Nothing was reported."
            }
            Refused::BadToken => {
                "This form has expired or was changed. Reload the entry's page and send the \
                 report again. Nothing was reported."
            }
        };
        return page(
            StatusCode::FORBIDDEN,
            pages::message("The report was not sent", text),
        );
    }
    let nonce = guard::form_cookie(&headers).unwrap_or_default();
    let typed = (form.reason.as_str(), form.details.as_str());
    if let Some(wait) = app.limiter.wait(peer.ip()) {
        let minutes = wait.as_secs().div_ceil(60).max(1);
        let text = format!(
            "Reports from your address have reached the most this page accepts in an hour. \
             Please try again in {minutes} minute{}. Nothing was reported.",
            if minutes == 1 { "" } else { "s" }
        );
        let note = Some(FormNote::Problem(&text));
        let status = StatusCode::TOO_MANY_REQUESTS;
        return entry_response(&app, &key, &nonce, status, note, typed).await;
    }
    match app.bot.web_report(&key, &form.reason, &form.details).await {
        Ok(kept) => {
            app.limiter.record(peer.ip());
            let note = Some(FormNote::Thanks { already: !kept });
            entry_response(&app, &key, &nonce, StatusCode::OK, note, ("", "")).await
        }
        Err(WebReportError::User(problem)) => {
            let text = problem.to_string();
            let note = Some(FormNote::Problem(&text));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            entry_response(&app, &key, &nonce, status, note, typed).await
        }
        Err(WebReportError::Internal(e)) => internal(&e),
    }
}

async fn events(State(app): State<Arc<App>>) -> Response {
    match app.bot.web_events().await {
        Ok((today, dated, recurring)) => page(
            StatusCode::OK,
            pages::events_page(today, &dated, &recurring),
        ),
        Err(e) => internal(&e),
    }
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("style.css"),
    )
        .into_response()
}

async fn not_found() -> Response {
    page(
        StatusCode::NOT_FOUND,
        pages::message(
            "Page not found",
            "There is no page at this address. The directory lists every entry; each result \
             links to its own page.",
        ),
    )
}
