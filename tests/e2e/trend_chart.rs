//! The check-in trend chart on the console: a private PNG file under the data directory, its
//! path and what it shows printed with the history.

use std::os::unix::fs::PermissionsExt;

use crate::support::Lab;

/// 08:00 in New York on a Monday.
const MONDAY_8AM: &str = "2026-12-07T08:00:00-05:00";

/// The path in "… is saved as PATH".
fn saved_path(message: &str) -> std::path::PathBuf {
    message
        .lines()
        .find_map(|l| l.split_once(" is saved as ").map(|(_, p)| p.trim().into()))
        .unwrap_or_else(|| panic!("no saved picture in:\n{message}"))
}

#[test]
fn checkin_history_saves_the_trend_chart_as_a_private_png_and_says_what_it_shows() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start Monday 9am Eastern\n:advance 1h\n/checkin answer 2 stress:4\n\
         /checkin skip\n:advance 7d\n:advance 7d\n/checkin answer 4 stress:2\n/checkin history\n",
        &[],
    );
    let history = run.messages().last().cloned().unwrap();
    assert!(
        history.contains("Picture checkin-trend-12-weeks.png is saved as "),
        "{history}"
    );
    assert!(
        history.contains(
            "It shows: Mood rose from 2 to 4 over 12 weeks; stress fell from 4 to 2; 1 week \
             skipped. No answers before Dec 7. Weeks from Oct 5 to Dec 21, 2026"
        ),
        "{history}"
    );
    let path = saved_path(&history);
    let data_dir = lab.database().parent().unwrap().to_owned();
    assert!(
        path.starts_with(&data_dir),
        "{} is not under {}",
        path.display(),
        data_dir.display()
    );
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(
        meta.permissions().mode() & 0o777,
        0o600,
        "only its owner reads it"
    );
    let png = std::fs::read(&path).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG file");
    assert!(
        !run.stderr.contains("stress"),
        "nothing about the answers is logged: {}",
        run.stderr
    );
}

#[test]
fn checkin_history_year_draws_52_weeks_and_anything_else_is_refused() {
    let lab = Lab::new();
    let run = lab.console_at(
        "alice",
        MONDAY_8AM,
        "/checkin start Monday 9am Eastern\n:advance 1h\n/checkin answer 3\n\
         /checkin history year\n/checkin history decade\n",
        &[],
    );
    let m = run.messages();
    let year = m
        .iter()
        .find(|x| x.contains("Your last 52 weeks"))
        .expect("a year's history");
    assert!(
        year.contains("Picture checkin-trend-52-weeks.png is saved as "),
        "{year}"
    );
    assert!(
        std::fs::read(saved_path(year))
            .unwrap()
            .starts_with(b"\x89PNG")
    );
    let refused = m.last().unwrap();
    assert!(
        refused.contains("\"decade\" is not a span /checkin history knows")
            && refused.contains("/checkin history year"),
        "{refused}"
    );
}
