//! Replies as Discord parts: one embed (teal, or red for problems), attachments for what does
//! not fit, and buttons for the reply's choices.
//!
//! Every string of a reply may hold member text, and Discord reads markdown in embed titles,
//! descriptions and fields, so all of it is shown as plain text: mentions are neutralised and
//! markdown is escaped ([`escape_markdown`]: no masked links, headings, quotes, lists, code,
//! bold, italics or spoilers made by members). The bot makes links only of link fields
//! ([`LINK_FIELDS`] and an item's link), shown as the plain address, never behind a name. A
//! bare address a member writes in a description stays visible as written (Discord may make
//! it clickable, but what is shown is where it goes). Footers are plain text in Discord, so they
//! are only neutralised.

use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateButton,
    CreateEmbed, CreateEmbedFooter, CreateInteractionResponseFollowup,
    CreateInteractionResponseMessage, CreateMessage, EditInteractionResponse, ReactionType,
};

use crate::domain::directory::check_url;
use crate::domain::meetup::safe_link;
use crate::domain::mentions::neutralize;
use crate::domain::reply::{Block, Choice, LINK_FIELDS, Reply, Tone, WHEN_FIELD};

/// Embed colour of ordinary replies (teal) and of refusals and problems (red).
const INFO_COLOUR: u32 = 0x2A_9D_8F;
const PROBLEM_COLOUR: u32 = 0xC0_39_2B;
/// Button ids: a reaction or a command.
pub(super) const BUTTON_REACTION: &str = "lc:r:";
pub(super) const BUTTON_COMMAND: &str = "lc:c:";

/// A reply as Discord parts: one embed, attachments, buttons.
pub(super) struct Rendered {
    pub(super) embed: CreateEmbed,
    pub(super) files: Vec<CreateAttachment>,
    pub(super) rows: Vec<CreateActionRow>,
}

impl Rendered {
    pub(super) fn response(self) -> CreateInteractionResponseMessage {
        CreateInteractionResponseMessage::new()
            .embed(self.embed)
            .add_files(self.files)
            .components(self.rows)
            .allowed_mentions(CreateAllowedMentions::new())
    }

    pub(super) fn followup(self) -> CreateInteractionResponseFollowup {
        CreateInteractionResponseFollowup::new()
            .embed(self.embed)
            .add_files(self.files)
            .components(self.rows)
            .allowed_mentions(CreateAllowedMentions::new())
    }

    pub(super) fn edit(self) -> EditInteractionResponse {
        let mut edit = EditInteractionResponse::new()
            .embed(self.embed)
            .components(self.rows)
            .allowed_mentions(CreateAllowedMentions::new());
        for file in self.files {
            edit = edit.new_attachment(file);
        }
        edit
    }

    pub(super) fn message(self) -> CreateMessage {
        CreateMessage::new()
            .embed(self.embed)
            .add_files(self.files)
            .components(self.rows)
            .allowed_mentions(CreateAllowedMentions::new())
    }
}

/// Room for text in an embed's description and field values.
const DESCRIPTION_MAX: usize = 4096;
const FIELD_VALUE_MAX: usize = 1024;
/// Room for all text of one embed (title, description, fields, footer).
const EMBED_TOTAL_MAX: usize = 6000;

pub(super) fn render(reply: &Reply) -> Rendered {
    let mut embed = CreateEmbed::new().colour(match reply.tone {
        Tone::Info => INFO_COLOUR,
        Tone::Problem => PROBLEM_COLOUR,
    });
    // A problem has no stock title: its text says what happened and what to do.
    let title = reply.title.as_ref().map(|t| shorten(&plain(t), 256));
    if let Some(title) = &title {
        embed = embed.title(title.clone());
    }
    let mut description: Vec<String> = Vec::new();
    let mut fields: Vec<(String, String, bool)> = Vec::new();
    let mut files = Vec::new();
    for block in &reply.blocks {
        let text = match block {
            Block::Text(t) => Some(plain(t)),
            Block::Bullets(items) => Some(
                items
                    .iter()
                    .map(|i| format!("• {}", plain(i)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            Block::Items {
                first_number,
                items,
            } => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let mut s = format!("**{}. {}**", first_number + i, plain(&item.title));
                        if !item.subtitle.is_empty() {
                            s.push_str(&format!("\n*{}*", plain(&item.subtitle)));
                        }
                        for line in &item.lines {
                            s.push_str(&format!("\n{}", plain(line)));
                        }
                        if let Some(link) = &item.link {
                            s.push_str(&format!("\n{}", link_text(link)));
                        }
                        s
                    })
                    .collect::<Vec<_>>()
                    .join("\n\n"),
            ),
            Block::Fields(pairs) => {
                for (label, value) in pairs {
                    let value = match reply.starts_at {
                        Some(at) if label == WHEN_FIELD => {
                            let t = at.timestamp();
                            format!("<t:{t}:F> (<t:{t}:R>)")
                        }
                        _ if LINK_FIELDS.contains(&label.as_str()) => link_text(value),
                        _ => plain(value),
                    };
                    fields.push((
                        shorten(&plain(label), 256),
                        shorten(&value, FIELD_VALUE_MAX),
                        value.chars().count() <= 40,
                    ));
                }
                None
            }
            Block::File { name, content } => {
                files.push(CreateAttachment::bytes(
                    content.clone().into_bytes(),
                    name.clone(),
                ));
                Some(format!("📎 {}", plain(name)))
            }
            Block::Image { name, png, alt, .. } => {
                // Shown inside the embed; Discord reads the attachment's description as the
                // picture's alt text (up to 1,024 characters).
                embed = embed.image(format!("attachment://{name}"));
                files.push(
                    CreateAttachment::bytes(png.clone(), name.clone())
                        .description(shorten(alt, 1024)),
                );
                None
            }
        };
        if let Some(text) = text {
            if fields.is_empty() {
                description.push(text);
            } else {
                // Text after fields stays after them, as a field without a name.
                fields.push((
                    "\u{200b}".to_owned(),
                    shorten(&text, FIELD_VALUE_MAX),
                    false,
                ));
            }
        }
    }
    let mut description = description.join("\n\n");
    let footer = reply.footer.as_ref().map(|f| shorten(&neutralize(f), 2048));
    let count = |t: &str| t.chars().count();
    let fixed = title.as_deref().map_or(0, count) + footer.as_deref().map_or(0, count);
    let fields_len = |fields: &[(String, String, bool)]| -> usize {
        fields.iter().map(|(n, v, _)| count(n) + count(v)).sum()
    };
    let cut_field = fields
        .iter()
        .any(|(_, v, _)| count(v) == FIELD_VALUE_MAX && v.ends_with('…'));
    let lossy = count(&description) > DESCRIPTION_MAX
        || fields.len() > 25
        || cut_field
        || fixed + count(&description) + fields_len(&fields) > EMBED_TOTAL_MAX;
    if lossy {
        // Nothing is lost to Discord's limits (`/mydata` can be long): the whole text is
        // attached, and the embed keeps what fits (one embed holds 6,000 characters).
        files.push(CreateAttachment::bytes(
            reply.to_plain_text().into_bytes(),
            "labcircle.txt",
        ));
        fields.truncate(25);
        while !fields.is_empty() && fixed + fields_len(&fields) > EMBED_TOTAL_MAX / 2 {
            fields.pop();
        }
        let room = EMBED_TOTAL_MAX
            .saturating_sub(fixed + fields_len(&fields))
            .min(DESCRIPTION_MAX)
            .saturating_sub(100);
        description = format!(
            "{}\n\n(Too long for one message: the whole text is attached.)",
            shorten(&description, room.max(1))
        );
    }
    if !description.is_empty() {
        embed = embed.description(description);
    }
    embed = embed.fields(fields);
    if let Some(footer) = footer {
        embed = embed.footer(CreateEmbedFooter::new(footer));
    }
    Rendered {
        embed,
        files,
        rows: buttons(&reply.choices),
    }
}

/// Reply text as Discord shows it: no mentions, no markdown.
fn plain(text: &str) -> String {
    escape_markdown(&neutralize(text))
}

/// `text` with everything Discord would read as markdown escaped with a backslash, so it shows
/// exactly as written: `*`, `_`, `~`, `` ` ``, `|`, `[`, `]`, `<` and `\` anywhere, and what
/// starts a line (`#` headings, `>` quotes, `-` and `+` lists, `-#` subtext, the `.` of `1.`).
pub(super) fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let body = line.trim_start();
        out.push_str(&line[..line.len() - body.len()]);
        // ASCII digits: their count is also the byte index of what follows them.
        let digits = body.bytes().take_while(u8::is_ascii_digit).count();
        for (i, c) in body.char_indices() {
            let starts_line = i == 0 && matches!(c, '#' | '>' | '-' | '+');
            let numbers_line = digits > 0 && i == digits && matches!(c, '.' | ')');
            let inline = matches!(c, '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' | '<');
            if starts_line || numbers_line || inline {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// A link field's value: the plain address when it is an http(s) link (Discord makes it
/// clickable, showing exactly where it goes), otherwise plain text.
fn link_text(value: &str) -> String {
    let Some(url) = check_url(value)
        .ok()
        .and_then(|checked| url::Url::parse(&checked).ok())
    else {
        return plain(value);
    };
    // The address as parsed has `<`, `>`, `"`, `` ` `` and spaces percent-encoded, so nothing
    // in it ends the link early or starts markup; `@` is encoded so no path pings.
    safe_link(url.as_str())
}

/// Text cut to `max` characters, with an ellipsis when cut.
pub(super) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s.push('…');
    s
}

fn buttons(choices: &[Choice]) -> Vec<CreateActionRow> {
    let buttons: Vec<CreateButton> = choices
        .iter()
        .filter_map(|c| match c {
            Choice::Reaction { emoji, label } => Some(
                CreateButton::new(format!("{BUTTON_REACTION}{emoji}"))
                    .label(shorten(label, 80))
                    .emoji(ReactionType::Unicode(emoji.clone()))
                    .style(ButtonStyle::Secondary),
            ),
            Choice::Command { line, label } => {
                let id = format!("{BUTTON_COMMAND}{line}");
                (id.len() <= 100).then(|| {
                    CreateButton::new(id)
                        .label(shorten(label, 80))
                        .style(ButtonStyle::Secondary)
                })
            }
        })
        .take(25)
        .collect();
    buttons
        .chunks(5)
        .map(|row| CreateActionRow::Buttons(row.to_vec()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_replies_keep_everything_in_an_attachment() {
        let long = "x".repeat(5000);
        let rendered = render(&Reply::private("Everything labcircle stores about you").text(&long));
        let embed = serde_json::to_value(&rendered.embed).unwrap();
        let description = embed["description"].as_str().unwrap();
        assert!(description.chars().count() <= DESCRIPTION_MAX);
        assert!(description.contains("the whole text is attached"));
        assert_eq!(rendered.files.len(), 1);
    }

    #[test]
    fn an_embed_never_holds_more_than_discord_takes_and_the_rest_is_attached() {
        let fields: Vec<(String, String)> = (0..30)
            .map(|i| (format!("Field {i}"), "y".repeat(1000)))
            .collect();
        let reply = Reply::private("A lot")
            .text("x".repeat(3500))
            .block(Block::Fields(fields))
            .footer("f".repeat(100));
        let rendered = render(&reply);
        let embed = serde_json::to_value(&rendered.embed).unwrap();
        let len = |v: &serde_json::Value| v.as_str().map_or(0, |s| s.chars().count());
        let total = len(&embed["title"])
            + len(&embed["description"])
            + len(&embed["footer"]["text"])
            + embed["fields"].as_array().map_or(0, |f| {
                f.iter().map(|f| len(&f["name"]) + len(&f["value"])).sum()
            });
        assert!(total <= EMBED_TOTAL_MAX, "{total}");
        assert!(embed["fields"].as_array().is_some_and(|f| f.len() <= 25));
        assert_eq!(rendered.files.len(), 1, "the whole text is attached");
    }

    #[test]
    fn meetup_times_show_in_each_readers_zone_and_problems_are_red() {
        let at = chrono::DateTime::from_timestamp(1_796_945_400, 0).unwrap();
        let reply = Reply::channel("Meetup #1: <@&1> night")
            .starts_at(at)
            .block(Block::Fields(vec![
                (WHEN_FIELD.to_owned(), "Thu Dec 10, 18:30 ET".to_owned()),
                ("Where".to_owned(), "@everyone's lab".to_owned()),
            ]))
            .text("0 going · 0 maybe");
        let embed = serde_json::to_value(&render(&reply).embed).unwrap();
        assert_eq!(
            embed["fields"][0]["value"],
            "<t:1796945400:F> (<t:1796945400:R>)"
        );
        assert!(!embed["title"].as_str().unwrap().contains("<@&1>"));
        assert!(
            !embed["fields"][1]["value"]
                .as_str()
                .unwrap()
                .contains("@everyone")
        );
        assert_eq!(embed["fields"][2]["value"], "0 going · 0 maybe");
        let problem = serde_json::to_value(&render(&Reply::problem("no")).embed).unwrap();
        assert_eq!(problem["color"], PROBLEM_COLOUR);
    }

    /// Markdown characters in `text` that no backslash escapes.
    fn live_markup(text: &str) -> Vec<char> {
        let mut live = Vec::new();
        let mut escaped = false;
        for c in text.chars() {
            if !escaped && "*_~`|[]<".contains(c) {
                live.push(c);
            }
            escaped = !escaped && c == '\\';
        }
        live
    }

    #[test]
    fn markdown_in_member_text_shows_as_written_and_makes_no_link() {
        let hostile = "[Official 988 line](https://example.org) **call** __now__ ~~x~~ ||y|| \
                       `z` <t:0:R> \\[a](b)";
        let lines = "# Heading\n> quote\n- list\n-# small\n  + item\n12. numbered\n```\ncode\n```";
        let reply = Reply::channel(hostile)
            .text(format!("{hostile}\n{lines}"))
            .block(Block::Bullets(vec![hostile.into()]))
            .block(Block::Fields(vec![("Where".into(), hostile.into())]));
        let embed = serde_json::to_value(&render(&reply).embed).unwrap();
        let texts = [
            embed["title"].as_str().unwrap(),
            embed["description"].as_str().unwrap(),
            embed["fields"][0]["value"].as_str().unwrap(),
        ];
        for text in texts {
            assert_eq!(live_markup(text), Vec::<char>::new(), "{text}");
            assert!(
                text.contains("\\[Official 988 line\\](https://example.org)"),
                "{text}"
            );
        }
        let description = texts[1];
        for escaped in [
            "\\# Heading",
            "\\> quote",
            "\\- list",
            "\\-# small",
            "  \\+ item",
            "12\\. numbered",
            "\\`\\`\\`",
            "\\\\\\[a\\](b)",
        ] {
            assert!(description.contains(escaped), "{escaped} in {description}");
        }
        // Ordinary text is left alone.
        assert_eq!(
            escape_markdown("Meetup #3: 6:30pm, 5-7 people."),
            "Meetup #3: 6:30pm, 5-7 people."
        );
    }

    #[test]
    fn links_come_only_from_link_fields_as_plain_addresses() {
        let mut draft = crate::domain::directory::tests::sample();
        draft.insert(
            crate::domain::directory::Field::Name,
            crate::domain::directory::Raw::Text("[Official 988 line](https://evil.example)".into()),
        );
        let entry = crate::domain::directory::Entry::from_draft(&draft).unwrap();
        let results = Reply::channel("Results").block(Block::Items {
            first_number: 1,
            items: vec![crate::domain::listing::summary_item(&entry, None)],
        });
        let embed = serde_json::to_value(&render(&results).embed).unwrap();
        let description = embed["description"].as_str().unwrap();
        assert!(
            description.starts_with("**1. \\[Official 988 line\\](https://evil.example)"),
            "{description}"
        );
        assert!(
            description.ends_with("\nhttps://ohiohistology.org/"),
            "{description}"
        );

        let full = crate::domain::listing::entry_reply(&entry, None);
        let embed = serde_json::to_value(&render(&full).embed).unwrap();
        let link = embed["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "Link")
            .unwrap();
        assert_eq!(link["value"], "https://ohiohistology.org/");
        // A link field that is not a web address stays text.
        let odd = Reply::channel("x").block(Block::Fields(vec![(
            "Link".into(),
            "[click](javascript:alert(1))".into(),
        )]));
        let embed = serde_json::to_value(&render(&odd).embed).unwrap();
        assert_eq!(
            embed["fields"][0]["value"],
            "\\[click\\](javascript:alert(1))"
        );
    }
}
