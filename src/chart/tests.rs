use chrono::NaiveDate;

use super::*;
use crate::domain::trend::TrendWeek;

/// Twelve (or more) weeks with a skipped week, an unanswered one and a week without stress.
fn sample(weeks: usize) -> Trend {
    let first = NaiveDate::from_ymd_opt(2026, 9, 7).expect("a date");
    Trend {
        weeks: (0..weeks)
            .map(|i| {
                let skipped = i % 12 == 3;
                let missed = i % 12 == 7;
                let answered = !skipped && !missed;
                TrendWeek {
                    monday: first + chrono::Duration::weeks(i as i64),
                    mood: answered.then_some(2 + (i % 4) as u8 / 2 + u8::from(i > weeks / 2)),
                    stress: (answered && i % 12 != 5).then_some(4 - (i % 3) as u8),
                    skipped,
                }
            })
            .collect(),
        this_week_open: false,
    }
}

fn decode(bytes: &[u8]) -> (png::OutputInfo, Vec<u8>) {
    let decoder = png::Decoder::new(bytes);
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).expect("PNG pixels");
    pixels.truncate(info.buffer_size());
    (info, pixels)
}

fn count_colour(info: &png::OutputInfo, pixels: &[u8], colour: RGBColor) -> usize {
    assert_eq!(info.color_type, png::ColorType::Rgb);
    pixels
        .chunks_exact(3)
        .filter(|p| p[0] == colour.0 && p[1] == colour.1 && p[2] == colour.2)
        .count()
}

/// Saves the picture where `LABCIRCLE_CHART_OUT` says, to look at it.
fn keep(name: &str, bytes: &[u8]) {
    if let Some(dir) = std::env::var_os("LABCIRCLE_CHART_OUT") {
        std::fs::write(std::path::Path::new(&dir).join(name), bytes).expect("writable");
    }
}

#[test]
fn the_chart_is_a_png_of_the_promised_size_with_both_series_in_their_colours() {
    let png = render(&sample(12)).expect("drawn");
    keep("chart-12.png", &png);
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let (info, pixels) = decode(&png);
    assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
    assert!(
        count_colour(&info, &pixels, MOOD_COLOUR) > 200,
        "mood's blue is drawn"
    );
    assert!(
        count_colour(&info, &pixels, STRESS_COLOUR) > 200,
        "stress's orange is drawn"
    );
    assert!(
        count_colour(&info, &pixels, SKIPPED_SHADE) > 1000,
        "the skipped week is shaded"
    );
}

#[test]
fn a_year_is_drawn_too_and_an_image_block_carries_its_alt_text() {
    let trend = sample(52);
    let Block::Image {
        name,
        png,
        alt,
        width,
        height,
    } = image_block(&trend).expect("drawn")
    else {
        panic!("an image block");
    };
    keep("chart-52.png", &png);
    assert_eq!(name, "checkin-trend-52-weeks.png");
    assert_eq!(alt, trend.alt_text());
    let (info, pixels) = decode(&png);
    assert_eq!((info.width, info.height), (width, height));
    assert!(count_colour(&info, &pixels, MOOD_COLOUR) > 200);
    assert!(count_colour(&info, &pixels, STRESS_COLOUR) > 200);
}

#[test]
fn a_chart_with_one_answer_is_still_drawn() {
    let mut trend = sample(12);
    for week in &mut trend.weeks[1..] {
        week.mood = None;
        week.stress = None;
    }
    let png = render(&trend).expect("drawn");
    keep("chart-one.png", &png);
    let (info, pixels) = decode(&png);
    assert!(count_colour(&info, &pixels, MOOD_COLOUR) > 50);
}
