//! Wellbeing check-ins: a member's private weekly prompt, their answers and their schedule.

use chrono::{NaiveTime, Weekday};
use chrono_tz::Tz;

use super::{ArgSpec, Command, CommandSpec, Invocation, OptKind, OptSpec, UserError};
use crate::domain::identity::Role;
use crate::domain::input::InputError;
use crate::domain::schedule::{self, QuietHours};
use crate::domain::trend::HistorySpan;
use crate::domain::wellbeing;

/// A check-in command, typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckinCommand {
    /// `/checkin start [DAY] [TIME] [ZONE]`: what is left out keeps its default.
    Start {
        day: Option<Weekday>,
        time: Option<NaiveTime>,
        zone: Option<Tz>,
    },
    Stop,
    /// `/checkin pause WEEKS`.
    Pause(u32),
    Skip,
    /// `/checkin settings [shift:TIME|off]`: shows the settings, after changing the shift end
    /// when one is given.
    Settings(Option<ShiftEnd>),
    Now,
    /// `/checkin answer MOOD [stress:N] [note:…]`.
    Answer {
        mood: u8,
        stress: Option<u8>,
        note: Option<String>,
    },
    Snooze(SnoozeFor),
    /// `None`: quiet hours off.
    Quiet(Option<QuietHours>),
    /// `/checkin history [year]`.
    History(HistorySpan),
    Stats,
}

/// How long `/checkin snooze` holds the open prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnoozeFor {
    /// `/checkin snooze 2h`.
    By(chrono::Duration),
    /// `/checkin snooze until 7pm`: the next time the member's clock shows it.
    Until(NaiveTime),
    /// `/checkin snooze after shift`: the member's shift end, or the end of quiet hours.
    AfterShift,
}

/// A change to the member's shift end, from `/checkin settings shift:…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShiftEnd {
    /// The local time the member's shift usually ends.
    At(NaiveTime),
    /// `shift:off`: no shift end.
    Off,
}

/// The forms `/checkin snooze` takes, for its refusals.
const ACCEPTED_SNOOZE: &str = "Snooze for a while (/checkin snooze 2h), until a time \
     (/checkin snooze until 7pm) or until your shift ends (/checkin snooze after shift).";

impl From<CheckinCommand> for Command {
    fn from(c: CheckinCommand) -> Command {
        Command::Checkin(c)
    }
}

type Parsed = Result<Command, UserError>;

fn checkin_start(inv: &Invocation) -> Parsed {
    let (mut day, mut time, mut zone) = (None, None, None);
    let words: Vec<&str> = inv.arg_text().split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        // "Monday at 9am on Eastern time": little words carry no setting.
        if ["at", "on", "every", "in", "@", "time"].contains(&word.to_lowercase().as_str()) {
            i += 1;
            continue;
        }
        // Zones may take two or three words ("Puerto Rico", "Eastern Time"); longest wins.
        let joined = |n: usize| words.get(i..i + n).map(|w| w.join(" "));
        let multi_zone = [3, 2].into_iter().find_map(|n| {
            joined(n).and_then(|text| schedule::parse_zone(&text).ok().map(|z| (z, n)))
        });
        if let Ok(d) = schedule::parse_weekday(word) {
            if day.replace(d).is_some() {
                return Err(UserError::new("Give one day, like Tuesday."));
            }
        } else if let Ok(t) = schedule::parse_time(word) {
            if time.replace(t).is_some() {
                return Err(UserError::new("Give one time, like 7pm or 19:00."));
            }
        } else if let Some(z) =
            multi_zone.or_else(|| schedule::parse_zone(word).ok().map(|z| (z, 1)))
        {
            if zone.replace(z.0).is_some() {
                return Err(UserError::new("Give one time zone, like Eastern."));
            }
            i += z.1;
            continue;
        } else {
            return Err(UserError::new(format!(
                "\"{word}\" is not a day, a time or a time zone I know. Days: Monday … \
                 Sunday. Times: 9am, 19:00. Zones: Eastern, Central, Mountain, Arizona, \
                 Pacific, Alaska, Hawaii, or an IANA name like America/Chicago. \
                 Example: /checkin start Tuesday 7pm Central"
            )));
        }
        i += 1;
    }
    Ok(CheckinCommand::Start { day, time, zone }.into())
}

fn checkin_stop(_: &Invocation) -> Parsed {
    Ok(CheckinCommand::Stop.into())
}

fn checkin_pause(inv: &Invocation) -> Parsed {
    let text = inv.arg_text();
    let weeks = text
        .parse::<u32>()
        .ok()
        .filter(|w| (1..=12).contains(w))
        .ok_or_else(|| {
            UserError::new(format!(
                "\"{text}\" is not a number of weeks; pause for 1 to 12 weeks, like /checkin pause 2."
            ))
        })?;
    Ok(CheckinCommand::Pause(weeks).into())
}

fn checkin_skip(_: &Invocation) -> Parsed {
    Ok(CheckinCommand::Skip.into())
}

fn checkin_settings(inv: &Invocation) -> Parsed {
    let shift = match inv.option("shift") {
        None => None,
        Some(text) => Some(parse_shift_end(&text)?),
    };
    Ok(CheckinCommand::Settings(shift).into())
}

/// Reads `shift:7am` (or `shift:off`) of `/checkin settings`.
fn parse_shift_end(text: &str) -> Result<ShiftEnd, UserError> {
    let text = text.trim();
    if ["off", "none"].iter().any(|w| text.eq_ignore_ascii_case(w)) {
        return Ok(ShiftEnd::Off);
    }
    let joined: String = text.split_whitespace().collect();
    schedule::parse_time(&joined)
        .map(ShiftEnd::At)
        .map_err(|_| {
            UserError::new(format!(
                "\"{text}\" is not a time your shift ends. Give it like /checkin settings \
             shift:7am or shift:19:30; shift:off removes it. Nothing was changed."
            ))
        })
}

fn checkin_now(_: &Invocation) -> Parsed {
    Ok(CheckinCommand::Now.into())
}

fn checkin_answer(inv: &Invocation) -> Parsed {
    let mood = wellbeing::parse_mood(inv.arg_text()).map_err(UserError::from)?;
    let stress = inv
        .option("stress")
        .map(|s| wellbeing::parse_stress(&s))
        .transpose()
        .map_err(UserError::from)?;
    let note = inv.option("note").filter(|n| !n.is_empty());
    if let Some(n) = &note {
        let len = n.chars().count();
        if len > wellbeing::MAX_NOTE_CHARS {
            return Err(UserError::new(format!(
                "That note is {len} characters; notes can be at most {}. Nothing was \
                 recorded.",
                wellbeing::MAX_NOTE_CHARS
            )));
        }
    }
    Ok(CheckinCommand::Answer { mood, stress, note }.into())
}

fn checkin_snooze(inv: &Invocation) -> Parsed {
    let snooze = match inv.arg.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => SnoozeFor::By(chrono::Duration::hours(4)),
        Some(text) => parse_snooze(text).map_err(UserError::from)?,
    };
    Ok(CheckinCommand::Snooze(snooze).into())
}

/// Reads what follows `/checkin snooze`: "2h", "until 7pm", "after shift" (also "after my
/// shift", "after work").
pub fn parse_snooze(text: &str) -> Result<SnoozeFor, InputError> {
    let lower = text.trim().to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    match words.as_slice() {
        ["after", "shift"] | ["after", "my", "shift"] | ["after", "work"] => {
            Ok(SnoozeFor::AfterShift)
        }
        ["until" | "till" | "til" | "at", time @ ..] if !time.is_empty() => {
            let joined = time.concat();
            schedule::parse_time(&joined)
                .map(SnoozeFor::Until)
                .map_err(|_| {
                    InputError::new(
                        format!("\"{}\" is not a time to snooze until.", time.join(" ")),
                        ACCEPTED_SNOOZE,
                    )
                })
        }
        _ => schedule::parse_duration(&lower)
            .map(SnoozeFor::By)
            .map_err(|_| {
                InputError::new(
                    format!("\"{}\" is not something I can snooze for.", text.trim()),
                    ACCEPTED_SNOOZE,
                )
            }),
    }
}

fn checkin_quiet(inv: &Invocation) -> Parsed {
    let text = inv.arg_text().trim();
    Ok(
        if text.eq_ignore_ascii_case("off") || text.eq_ignore_ascii_case("none") {
            CheckinCommand::Quiet(None)
        } else {
            CheckinCommand::Quiet(Some(QuietHours::parse(text).map_err(UserError::from)?))
        }
        .into(),
    )
}

fn checkin_history(inv: &Invocation) -> Parsed {
    let text = inv.arg_text().trim();
    let span = if text.is_empty() {
        HistorySpan::Quarter
    } else if text.eq_ignore_ascii_case("year") {
        HistorySpan::Year
    } else {
        return Err(UserError::new(format!(
            "\"{text}\" is not a span /checkin history knows: leave it out for the last 12 weeks, \
             or say year for 52, like /checkin history year."
        )));
    };
    Ok(CheckinCommand::History(span).into())
}

fn checkin_stats(_: &Invocation) -> Parsed {
    Ok(CheckinCommand::Stats.into())
}

/// The checkin commands, in the order `/help` lists them.
pub(super) static SPECS: &[CommandSpec] = &[
    CommandSpec {
        name: "checkin start",
        parse: checkin_start,
        private: true,
        summary: "Opt in to a private weekly wellbeing check-in",
        details: "Every week, at your day and time, the bot asks you privately how you are doing. \
                  Answers are private to you. Give a day, a time and a time zone in any order \
                  (US names like Eastern or Pacific work); left out, they default to the \
                  community's. Run it again to change the schedule.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "[DAY] [TIME] [TIMEZONE]",
            help: "e.g. Tuesday 7pm Central",
            required: false,
            rest: true,
        }),
        options: &[],
        examples: &[
            "/checkin start",
            "/checkin start Tuesday 7pm Central",
            "/checkin start fri 06:30 America/Denver",
        ],
    },
    CommandSpec {
        name: "checkin stop",
        parse: checkin_stop,
        private: true,
        summary: "Stop your weekly check-ins",
        details: "No more prompts. Your past answers stay (only you can see them) until they \
                  pass the retention period or you delete everything with /forgetme.",
        role: Role::Member,
        arg: None,
        options: &[],
        examples: &["/checkin stop"],
    },
    CommandSpec {
        name: "checkin pause",
        parse: checkin_pause,
        private: true,
        summary: "Pause check-ins for some weeks",
        details: "No prompts for that many weeks (1 to 12); then they resume by themselves.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "WEEKS",
            help: "1 to 12",
            required: true,
            rest: false,
        }),
        options: &[],
        examples: &["/checkin pause 2"],
    },
    CommandSpec {
        name: "checkin skip",
        parse: checkin_skip,
        private: true,
        summary: "Skip the next check-in",
        details: "The next prompt is not sent; the one after comes as usual.",
        role: Role::Member,
        arg: None,
        options: &[],
        examples: &["/checkin skip"],
    },
    CommandSpec {
        name: "checkin settings",
        parse: checkin_settings,
        private: true,
        summary: "Your check-in schedule",
        details: "Shows your day, time, zone, quiet hours, shift end, pause and the next \
                  prompt. shift:7am sets when your shift usually ends, for /checkin snooze \
                  after shift; shift:off removes it.",
        role: Role::Member,
        arg: None,
        options: &[OptSpec {
            name: "shift",
            aliases: &["shiftend"],
            help: "when your shift usually ends, like 7am (or off)",
            kind: OptKind::Text,
        }],
        examples: &[
            "/checkin settings",
            "/checkin",
            "/checkin settings shift:7am",
        ],
    },
    CommandSpec {
        name: "checkin now",
        parse: checkin_now,
        private: true,
        summary: "Check in right away",
        details: "Sends you this week's prompt now, privately.",
        role: Role::Member,
        arg: None,
        options: &[],
        examples: &["/checkin now"],
    },
    CommandSpec {
        name: "checkin answer",
        parse: checkin_answer,
        private: true,
        summary: "Answer your open check-in",
        details: "1 Struggling, 2 Low, 3 Okay, 4 Good, 5 Great. Optionally a stress level \
                  (1 to 5) and a short note. Answer again to correct it while the prompt is \
                  open. You can also react to the prompt with 1️⃣ to 5️⃣. Please leave patient \
                  details out of notes.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "MOOD",
            help: "1 to 5, or Struggling … Great",
            required: true,
            rest: false,
        }),
        options: &[
            OptSpec {
                name: "stress",
                aliases: &[],
                help: "1 (calm) to 5 (very stressed)",
                kind: OptKind::Number,
            },
            OptSpec {
                name: "note",
                aliases: &[],
                help: "a few words for yourself (280 characters at most)",
                kind: OptKind::Text,
            },
        ],
        examples: &[
            "/checkin answer 4",
            "/checkin answer 2 stress:4 note:short staffed again",
        ],
    },
    CommandSpec {
        name: "checkin snooze",
        parse: checkin_snooze,
        private: true,
        summary: "Ask again later",
        details: "Sends the open prompt again after a while (default 4h), at a time (until \
                  7pm) or when your shift ends (after shift: the shift end in /checkin \
                  settings, or the end of your quiet hours); at most twice, and not after the \
                  prompt closes.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "WHEN",
            help: "e.g. 30m, 4h, until 7pm, after shift",
            required: false,
            rest: true,
        }),
        options: &[],
        examples: &[
            "/checkin snooze",
            "/checkin snooze 2h",
            "/checkin snooze until 7pm",
            "/checkin snooze after shift",
        ],
    },
    CommandSpec {
        name: "checkin quiet",
        parse: checkin_quiet,
        private: true,
        summary: "Set quiet hours (e.g. sleeping after a night shift)",
        details: "Nothing is delivered inside quiet hours; a prompt due then waits for their \
                  end. Times in your check-in time zone; off removes them.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "HH:MM-HH:MM|off",
            help: "e.g. 08:00-16:00",
            required: true,
            rest: true,
        }),
        options: &[],
        examples: &["/checkin quiet 08:00-16:00", "/checkin quiet off"],
    },
    CommandSpec {
        name: "checkin history",
        parse: checkin_history,
        private: true,
        summary: "Your last 12 weeks (or year), privately, with a chart",
        details: "A sparkline of your answers (a dot for a missed week), your streak, the trend \
                  and your answers with notes, and a chart of your mood and stress (year: the \
                  last 52 weeks). Only you see it.",
        role: Role::Member,
        arg: Some(ArgSpec {
            name: "SPAN",
            help: "year for the last 52 weeks; left out, the last 12",
            required: false,
            rest: true,
        }),
        options: &[],
        examples: &["/checkin history", "/checkin history year"],
    },
    CommandSpec {
        name: "checkin stats",
        parse: checkin_stats,
        private: true,
        summary: "How the community is doing, roughly, per week (admins)",
        details: "Per closed week: about how many members were struggling (1-2), okay (3) and \
                  good (4-5), each rounded to 5 after a small random change; only answers from \
                  members who opted in at least 4 weeks before count, and a week shows only \
                  with enough of them (10 by default, checkins.stats_min_answers). Never anything about \
                  one person.",
        role: Role::Admin,
        arg: None,
        options: &[],
        examples: &["/checkin stats"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
    }

    #[test]
    fn snooze_reads_durations_times_and_the_shift_end() {
        assert_eq!(
            parse_snooze("2h"),
            Ok(SnoozeFor::By(chrono::Duration::hours(2)))
        );
        assert_eq!(parse_snooze("until 7pm"), Ok(SnoozeFor::Until(at(19, 0))));
        assert_eq!(
            parse_snooze("Until 7:30 PM"),
            Ok(SnoozeFor::Until(at(19, 30)))
        );
        assert_eq!(parse_snooze("till 06:00"), Ok(SnoozeFor::Until(at(6, 0))));
        assert_eq!(parse_snooze("after shift"), Ok(SnoozeFor::AfterShift));
        assert_eq!(parse_snooze("after my shift"), Ok(SnoozeFor::AfterShift));
    }

    #[test]
    fn snooze_refusals_say_what_is_accepted() {
        for bad in ["until", "until 25pm", "after lunch", "later"] {
            let e = parse_snooze(bad)
                .err()
                .unwrap_or_else(|| panic!("{bad} was read"));
            assert!(e.accepted.contains("until 7pm"), "{bad}: {e:?}");
            assert!(e.accepted.contains("after shift"), "{bad}: {e:?}");
        }
    }

    #[test]
    fn shift_end_reads_a_time_or_off() {
        assert_eq!(parse_shift_end("7am"), Ok(ShiftEnd::At(at(7, 0))));
        assert_eq!(parse_shift_end("7 am"), Ok(ShiftEnd::At(at(7, 0))));
        assert_eq!(parse_shift_end("OFF"), Ok(ShiftEnd::Off));
        assert!(parse_shift_end("soon").is_err());
    }
}
