//! Replies as Matrix messages: HTML with a plain-text body, nothing that pings.
//!
//! Every string of a reply may hold member text, so all of it is HTML-escaped (no pills, no
//! markup from members) and run through [`neutralize`] (no `@room`, no user ids that clients
//! would highlight). Messages also carry an empty `m.mentions`, which tells clients and
//! Synapse's push rules that nobody is mentioned.

use crate::domain::command;
use crate::domain::mentions::neutralize;
use crate::domain::reply::{Block, Reply};

/// Escapes text for HTML bodies.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Shows commands with the Matrix prefix: `/findgroup` becomes `!findgroup`.
pub fn with_prefix(text: &str, prefix: &str) -> String {
    if prefix == "/" {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('/') {
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        let word: String = after[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let at_word_start = out
            .chars()
            .last()
            .is_none_or(|c| c.is_whitespace() || "([\"'`".contains(c));
        let is_command = !word.is_empty()
            && command::all().any(|c| c.name.split(' ').next() == Some(word.as_str()));
        if at_word_start && is_command {
            out.push_str(prefix);
        } else {
            out.push('/');
        }
        rest = &after[1..];
    }
    out.push_str(rest);
    out
}

/// The reply as the message's text shows it: each file is named there and sent after the
/// message as an `m.file` of its own (see `Shared::send_files`), not pasted into the text; a
/// picture follows as an `m.image`.
fn files_named(reply: &Reply) -> std::borrow::Cow<'_, Reply> {
    if !reply
        .blocks
        .iter()
        .any(|b| matches!(b, Block::File { .. } | Block::Image { .. }))
    {
        return std::borrow::Cow::Borrowed(reply);
    }
    let mut shown = reply.clone();
    for block in &mut shown.blocks {
        match block {
            Block::File { name, .. } => *block = Block::Text(format!("📎 {name} (attached below)")),
            Block::Image { .. } => *block = Block::Text("The chart follows as a picture.".into()),
            _ => {}
        }
    }
    std::borrow::Cow::Owned(shown)
}

/// Plain body and HTML body of a reply.
pub fn render(reply: &Reply, prefix: &str) -> (String, String) {
    let reply = &*files_named(reply);
    let clean = |s: &str| with_prefix(&neutralize(s), prefix);
    let plain = clean(&reply.to_plain_text());
    let mut html = String::new();
    html.push_str("<p>");
    let mut open_paragraph = true;
    if let Some(title) = &reply.title {
        html.push_str(&format!("<strong>{}</strong>", escape(&clean(title))));
    }
    for block in &reply.blocks {
        match block {
            Block::Text(text) => {
                if open_paragraph {
                    if reply.title.is_some() {
                        html.push_str("</p><p>");
                    }
                } else {
                    html.push_str("<p>");
                }
                html.push_str(&escape(&clean(text)).replace('\n', "<br>"));
                html.push_str("</p>");
                open_paragraph = false;
            }
            other => {
                if open_paragraph {
                    html.push_str("</p>");
                    open_paragraph = false;
                }
                html.push_str(&block_html(other, &clean));
            }
        }
    }
    if open_paragraph {
        html.push_str("</p>");
    }
    if let Some(footer) = &reply.footer {
        html.push_str(&format!("<p><em>{}</em></p>", escape(&clean(footer))));
    }
    // A paragraph opened for a problem's text with no title gets an empty pair; drop it.
    let html = html.replace("<p></p>", "");
    (plain, html)
}

fn block_html(block: &Block, clean: &dyn Fn(&str) -> String) -> String {
    let e = |s: &str| escape(&clean(s));
    match block {
        Block::Text(text) => format!("<p>{}</p>", e(text).replace('\n', "<br>")),
        Block::Items {
            first_number,
            items,
        } => {
            let mut s = format!("<ol start=\"{first_number}\">");
            for item in items {
                s.push_str(&format!("<li><strong>{}</strong>", e(&item.title)));
                if !item.subtitle.is_empty() {
                    s.push_str(&format!(" <em>({})</em>", e(&item.subtitle)));
                }
                for line in &item.lines {
                    s.push_str(&format!("<br>{}", e(line)));
                }
                if let Some(link) = &item.link {
                    // Only plain web links become links; anything else stays text.
                    if link.starts_with("https://") || link.starts_with("http://") {
                        s.push_str(&format!("<br><a href=\"{}\">{}</a>", e(link), e(link)));
                    } else {
                        s.push_str(&format!("<br>{}", e(link)));
                    }
                }
                s.push_str("</li>");
            }
            s.push_str("</ol>");
            s
        }
        Block::Fields(fields) => {
            let rows: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("<strong>{}:</strong> {}", e(k), e(v).replace('\n', "<br>")))
                .collect();
            format!("<p>{}</p>", rows.join("<br>"))
        }
        Block::Bullets(items) => {
            let lis: Vec<String> = items.iter().map(|i| format!("<li>{}</li>", e(i))).collect();
            format!("<ul>{}</ul>", lis.concat())
        }
        Block::File { name, content } => format!(
            "<p><strong>{}</strong></p><pre><code>{}</code></pre>",
            e(name),
            escape(content.trim_end())
        ),
        Block::Image { alt, .. } => format!("<p>{}</p>", e(alt)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reply::{Block, Item, Reply};

    #[test]
    fn member_text_cannot_ping_or_inject_markup() {
        let reply = Reply::channel("Groups for @room <b>x</b>").block(Block::Items {
            first_number: 1,
            items: vec![Item {
                title: "@everyone <a href=\"https://matrix.to/#/@alice:example.org\">pill</a>"
                    .into(),
                subtitle: "online".into(),
                lines: vec!["ask @alice:example.org".into()],
                link: Some("javascript:alert(1)".into()),
            }],
        });
        let (plain, html) = render(&reply, "!");
        assert!(!html.contains("<a href=\"https://matrix.to"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        for body in [&plain, &html] {
            assert!(!body.contains("@room"), "{body}");
            assert!(!body.contains("@everyone"), "{body}");
            assert!(!body.contains("@alice:example.org"), "{body}");
        }
    }

    #[test]
    fn a_masked_link_in_member_text_stays_text_and_item_links_show_their_address() {
        let reply = Reply::channel("[Official 988 line](https://example.org)")
            .text("**Call** [Official 988 line](https://example.org)")
            .block(Block::Items {
                first_number: 1,
                items: vec![Item {
                    title: "[Official 988 line](https://example.org)".into(),
                    subtitle: String::new(),
                    lines: Vec::new(),
                    link: Some("https://example.org/owls".into()),
                }],
            });
        let (_, html) = render(&reply, "!");
        assert_eq!(html.matches("<a ").count(), 1, "{html}");
        assert!(
            html.contains("<a href=\"https://example.org/owls\">https://example.org/owls</a>"),
            "{html}"
        );
        assert!(!html.contains("<strong>Call"), "{html}");
    }

    #[test]
    fn commands_are_shown_with_the_matrix_prefix() {
        assert_eq!(
            with_prefix(
                "Try /findgroup burnout or /help; see https://a.org/help",
                "!"
            ),
            "Try !findgroup burnout or !help; see https://a.org/help"
        );
        assert_eq!(with_prefix("and/or /nosuch", "!"), "and/or /nosuch");
    }

    #[test]
    fn a_file_is_named_in_the_text_not_pasted_into_it() {
        let reply = Reply::private("Your data").block(Block::File {
            name: "labcircle-my-data.json".into(),
            content: "{\"secret\": 1}".into(),
        });
        let (plain, html) = render(&reply, "!");
        for body in [&plain, &html] {
            assert!(
                body.contains("📎 labcircle-my-data.json (attached below)"),
                "{body}"
            );
            assert!(!body.contains("secret"), "{body}");
        }
    }

    #[test]
    fn a_problem_reads_as_one_paragraph() {
        let (plain, html) = render(&Reply::problem("no such group"), "!");
        assert_eq!(plain, "no such group");
        assert_eq!(html, "<p>no such group</p>");
    }
}
