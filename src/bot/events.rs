//! Conferences and events: the list, and calendar files for events with confirmed dates.

use super::{Bot, Handled};
use crate::domain::command::{EventsCommand, UserError};
use crate::domain::events::{self, Sureness};
use crate::domain::ics::{AllDayEvent, all_day_calendar};
use crate::domain::identity::Actor;
use crate::domain::mentions::neutralize;
use crate::domain::reply::{Block, Outgoing, Reply};
use crate::domain::vocab::Vocab;

impl Bot {
    pub(super) async fn events_command(&self, actor: &Actor, command: EventsCommand) -> Handled {
        // "Today" where this labcircle's communities are: an event on its last day is still
        // listed there, whatever the UTC date.
        let today = self
            .clock
            .now()
            .with_timezone(&self.settings.default_zone)
            .date_naive();
        let all = self.store.events().await?;
        let reply = match command {
            EventsCommand::List { state, specialty } => {
                events::list_reply(&all, today, state, specialty)
            }
            EventsCommand::Subscribe(state) => {
                self.store
                    .subscribe_events(&actor.member, state.map(|s| s.code()))
                    .await?;
                let which = match state {
                    Some(st) => format!("national events and {}'s own", st.label()),
                    None => "every event".to_owned(),
                };
                Reply::private(format!(
                    "You will be told privately when a new event is added: {which}. \
                     /events unsubscribe stops it."
                ))
            }
            EventsCommand::Unsubscribe => {
                if self.store.unsubscribe_events(&actor.member.user).await? {
                    Reply::private("You will no longer be told about new events.")
                } else {
                    Reply::private(
                        "You were not subscribed to new events; nothing changed. \
                         /events subscribe [STATE] starts it.",
                    )
                }
            }
            EventsCommand::Ics(key) => {
                let Some(e) = all.iter().find(|e| e.key == key) else {
                    return Err(UserError::new(format!(
                        "No event has the key \"{}\". /events lists them, each with its key in \
                         [brackets].",
                        neutralize(&key)
                    ))
                    .into());
                };
                let Some((first, last)) = e.calendar_dates(today) else {
                    let why = match (e.start, e.sure) {
                        (Some(_), Sureness::Secondary) if e.upcoming(today) => {
                            "its dates were seen only on a copy, not confirmed by the organiser"
                                .to_owned()
                        }
                        _ => events::when_text(e, today),
                    };
                    return Err(UserError::new(format!(
                        "There is no calendar file for {}: {why}. Check {} for the dates.",
                        neutralize(&e.name),
                        e.url
                    ))
                    .into());
                };
                let uid = format!("event-{}-{first}@labcircle", e.key);
                let description = format!("{} Source: {}.", neutralize(&e.organiser), e.source);
                let file = AllDayEvent {
                    uid: &uid,
                    title: &e.name,
                    description: Some(&description),
                    location: Some(&e.place),
                    url: Some(&e.url),
                    first,
                    last,
                };
                Reply::channel(format!(
                    "Calendar file for {} ({})",
                    neutralize(&e.name),
                    events::dates_text(first, last)
                ))
                .block(Block::File {
                    name: format!("{}.ics", e.key),
                    content: all_day_calendar(&file, self.clock.now()),
                })
            }
        };
        Ok(vec![Outgoing::Reply(reply)])
    }
}
