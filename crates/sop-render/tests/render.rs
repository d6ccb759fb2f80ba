//! Renders the shipped Demak SOP and hand-built definitions, and reads the SVG back with
//! a real XML parser to check what a reader of the official form relies on: one symbol of
//! the right shape per step in its actor's column, every text present, arrows that reach
//! their targets without running through symbols, connectors in pairs across page breaks.

// Helpers outside #[test] functions unwrap too: a failed unwrap is the report a test wants.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use pelihara_i18n::Lang;
use pelihara_sop::{
    Actor, Approver, DayCount, Decision, Header, Layout, Settings, SopDefinition, Step, StepForm,
    StepKind, Target, TimeStandard, TimeUnit,
};
use pelihara_sop_render::{document_html, flowchart_svg};

const SHIPPED: &str = include_str!("../../../sop/pemeliharaan-aplikasi-website.toml");

fn shipped() -> SopDefinition {
    pelihara_sop::parse_definition("sop/pemeliharaan-aplikasi-website.toml", SHIPPED)
        .unwrap_or_else(|errors| panic!("the shipped SOP does not parse: {errors:?}"))
}

/// A symbol, connector or capsule read back from the SVG, as its bounding box.
#[derive(Debug, Clone)]
struct Found {
    id: String,
    class: String,
    page: usize,
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl Found {
    fn center_x(&self) -> f64 {
        (self.left + self.right) / 2.0
    }
}

#[derive(Debug, Clone)]
struct ArrowFound {
    page: usize,
    from: String,
    to: String,
    branch: String,
    points: Vec<(f64, f64)>,
}

/// Everything the tests read from the pages.
struct Chart {
    shapes: Vec<Found>,
    arrows: Vec<ArrowFound>,
    /// (page, class, data-step, text of all its lines joined with spaces)
    texts: Vec<(usize, String, Option<String>, String)>,
    /// Actor heading text and its column centre, from the first page.
    actor_columns: Vec<(String, f64)>,
    labels: Vec<(usize, String)>,
}

fn number(text: &str) -> f64 {
    text.parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

fn points(text: &str) -> Vec<(f64, f64)> {
    text.split_whitespace()
        .map(|pair| {
            let (x, y) = pair.split_once(',').unwrap();
            (number(x), number(y))
        })
        .collect()
}

fn bounds(points: &[(f64, f64)]) -> (f64, f64, f64, f64) {
    let left = points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let right = points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let top = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let bottom = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    (left, top, right, bottom)
}

fn shape_bounds(node: roxmltree::Node<'_, '_>) -> (f64, f64, f64, f64) {
    match node.tag_name().name() {
        "rect" => {
            let x = number(node.attribute("x").unwrap());
            let y = number(node.attribute("y").unwrap());
            let width = number(node.attribute("width").unwrap());
            let height = number(node.attribute("height").unwrap());
            (x, y, x + width, y + height)
        }
        "polygon" => bounds(&points(node.attribute("points").unwrap())),
        other => panic!("unexpected shape element {other}"),
    }
}

/// Writes the pages to `$SOP_RENDER_DUMP/<name>-<page>.svg` when that is set, to look at
/// what a test drew.
fn dump(name: &str, pages: &[String]) {
    if let Ok(dir) = std::env::var("SOP_RENDER_DUMP") {
        for (index, svg) in pages.iter().enumerate() {
            std::fs::write(format!("{dir}/{name}-{}.svg", index + 1), svg).unwrap();
        }
    }
}

fn read(pages: &[String]) -> Chart {
    let mut chart = Chart {
        shapes: Vec::new(),
        arrows: Vec::new(),
        texts: Vec::new(),
        actor_columns: Vec::new(),
        labels: Vec::new(),
    };
    for (index, svg) in pages.iter().enumerate() {
        let page = index + 1;
        let document = roxmltree::Document::parse(svg)
            .unwrap_or_else(|error| panic!("page {page} is not well-formed XML: {error}"));
        let root = document.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        assert_eq!(root.attribute("data-page"), Some(page.to_string().as_str()));
        for node in root.descendants().filter(|node| node.is_element()) {
            let class = node.attribute("class").unwrap_or_default();
            if let Some(id) = node.attribute("id") {
                let shape = if id.starts_with("step-") {
                    node
                } else {
                    // Connectors and capsules are groups: their first shape is the outline.
                    node.children()
                        .find(|child| matches!(child.tag_name().name(), "rect" | "polygon"))
                        .unwrap()
                };
                let (left, top, right, bottom) = shape_bounds(shape);
                if id.starts_with("connector-") {
                    assert_eq!(
                        points(shape.attribute("points").unwrap()).len(),
                        5,
                        "{id} is not a pentagon"
                    );
                }
                chart.shapes.push(Found {
                    id: id.to_owned(),
                    class: class.to_owned(),
                    page,
                    left,
                    top,
                    right,
                    bottom,
                });
            }
            if class == "arrow" {
                let line = node
                    .children()
                    .find(|child| child.has_tag_name("polyline"))
                    .unwrap();
                assert!(
                    node.children()
                        .any(|child| child.attribute("class") == Some("arrowhead")),
                    "an arrow without a head"
                );
                chart.arrows.push(ArrowFound {
                    page,
                    from: node.attribute("data-from").unwrap().to_owned(),
                    to: node.attribute("data-to").unwrap().to_owned(),
                    branch: node.attribute("data-branch").unwrap().to_owned(),
                    points: points(line.attribute("points").unwrap()),
                });
            }
            if node.has_tag_name("text") {
                let lines: Vec<&str> = node
                    .children()
                    .filter_map(|child| {
                        child
                            .text()
                            .or_else(|| child.first_child().and_then(|c| c.text()))
                    })
                    .collect();
                let joined = lines.join(" ");
                if class == "heading heading-actor" && page == 1 {
                    let x = node
                        .first_element_child()
                        .and_then(|tspan| tspan.attribute("x"))
                        .map(number)
                        .unwrap();
                    chart.actor_columns.push((joined.clone(), x));
                }
                if class == "branch-label" {
                    chart.labels.push((page, joined.clone()));
                }
                chart.texts.push((
                    page,
                    class.to_owned(),
                    node.attribute("data-step").map(str::to_owned),
                    joined,
                ));
            }
        }
    }
    chart
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

impl Chart {
    fn shape(&self, id: &str) -> &Found {
        let found: Vec<&Found> = self.shapes.iter().filter(|shape| shape.id == id).collect();
        assert_eq!(
            found.len(),
            1,
            "expected exactly one #{id}, found {}",
            found.len()
        );
        found[0]
    }

    fn cell(&self, class: &str, step: u32) -> String {
        self.texts
            .iter()
            .filter(|(_, text_class, text_step, _)| {
                text_class == class && text_step.as_deref() == Some(step.to_string().as_str())
            })
            .map(|(_, _, _, text)| text.clone())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn column_center(&self, actor_name: &str) -> f64 {
        // Headings may wrap; compare without spaces.
        self.actor_columns
            .iter()
            .find(|(name, _)| squeeze(name) == squeeze(actor_name))
            .unwrap_or_else(|| panic!("no column heading {actor_name}"))
            .1
    }

    fn half_column(&self) -> f64 {
        (self.actor_columns[1].1 - self.actor_columns[0].1) / 2.0
    }
}

/// Checks every step is drawn once, with the shape its kind needs, in its first actor's
/// column, on the page the official layout puts it.
fn check_symbols(def: &SopDefinition, chart: &Chart) {
    let pages = page_of_steps(def);
    for step in &def.steps {
        let symbol = chart.shape(&format!("step-{}", step.no));
        let class = match step.kind {
            StepKind::Start => "start",
            StepKind::Activity => "activity",
            StepKind::Decision => "decision",
            StepKind::End => "end",
        };
        assert_eq!(symbol.class, class, "step {} has the wrong shape", step.no);
        assert_eq!(
            symbol.page, pages[&step.no],
            "step {} is on the wrong page",
            step.no
        );
        let actor = def.actor(&step.actors[0]).unwrap();
        let center = chart.column_center(&actor.name);
        let half = chart.half_column();
        assert!(
            (symbol.center_x() - center).abs() < 1.0
                && symbol.left > center - half
                && symbol.right < center + half,
            "step {} is not inside the {} column: {symbol:?}",
            step.no,
            actor.name
        );
    }
}

fn page_of_steps(def: &SopDefinition) -> std::collections::HashMap<u32, usize> {
    let mut page = 1;
    let mut out = std::collections::HashMap::new();
    for step in &def.steps {
        out.insert(step.no, page);
        if def.layout.page_breaks.contains(&step.no) {
            page += 1;
        }
    }
    out
}

/// Every arrow is made of horizontal and vertical segments and enters no symbol, connector
/// or capsule except at its own two ends (which sit on the outlines, outside the boxes
/// shrunk by a little).
fn check_arrows_avoid_shapes(chart: &Chart) {
    for arrow in &chart.arrows {
        for pair in arrow.points.windows(2) {
            let ((x1, y1), (x2, y2)) = (pair[0], pair[1]);
            assert!(
                (x1 - x2).abs() < 0.05 || (y1 - y2).abs() < 0.05,
                "a slanted segment in {arrow:?}"
            );
            for shape in chart.shapes.iter().filter(|shape| shape.page == arrow.page) {
                let inset = 2.0;
                let (left, top, right, bottom) = (
                    shape.left + inset,
                    shape.top + inset,
                    shape.right - inset,
                    shape.bottom - inset,
                );
                let (low_x, high_x) = (x1.min(x2), x1.max(x2));
                let (low_y, high_y) = (y1.min(y2), y1.max(y2));
                let crosses = low_x < right && high_x > left && low_y < bottom && high_y > top;
                assert!(
                    !crosses,
                    "arrow {}->{} runs through #{}: {arrow:?} {shape:?}",
                    arrow.from, arrow.to, shape.id
                );
            }
        }
    }
}

/// Every arrow ends on the outline of what it points at.
fn check_arrows_reach(chart: &Chart, def: &SopDefinition) {
    for arrow in &chart.arrows {
        let &(x, y) = arrow.points.last().unwrap();
        let near = |shape: &Found| {
            shape.page == arrow.page
                && x >= shape.left - 0.6
                && x <= shape.right + 0.6
                && y >= shape.top - 0.6
                && y <= shape.bottom + 0.6
        };
        let target_here = chart.shapes.iter().any(|shape| {
            near(shape)
                && (shape.id == format!("step-{}", arrow.to)
                    || (arrow.to == "reject" && shape.id == format!("reject-{}", arrow.from))
                    || (shape.id.starts_with("connector-") && shape.id.ends_with("-out")))
        });
        assert!(
            target_here,
            "arrow {}->{} on page {} ends at nothing: {arrow:?}",
            arrow.from, arrow.to, arrow.page
        );
    }
    // And every link of the definition is drawn, from its source's page.
    let pages = page_of_steps(def);
    for step in &def.steps {
        let mut links: Vec<String> = step.next.iter().map(u32::to_string).collect();
        if let Some(decision) = &step.decision {
            links.push(match decision.if_no {
                Target::Step(no) => no.to_string(),
                Target::Reject => "reject".to_owned(),
                Target::Return => "return".to_owned(),
            });
        }
        for to in links {
            assert!(
                chart
                    .arrows
                    .iter()
                    .any(|arrow| arrow.from == step.no.to_string()
                        && arrow.to == to
                        && arrow.page == pages[&step.no]),
                "no arrow from step {} to {to}",
                step.no
            );
        }
    }
}

#[test]
fn draws_the_shipped_sop_as_the_official_flowchart() {
    let def = shipped();
    let pages = flowchart_svg(&def, Lang::Id);
    dump("shipped", &pages);
    assert_eq!(pages.len(), 2, "the approved document breaks after step 7");
    let chart = read(&pages);

    let names: Vec<String> = chart
        .actor_columns
        .iter()
        .map(|(name, _)| squeeze(name))
        .collect();
    let expected: Vec<String> = def.columns().map(|actor| squeeze(&actor.name)).collect();
    assert_eq!(
        names, expected,
        "one column per actor, in the document's order"
    );

    check_symbols(&def, &chart);
    check_arrows_avoid_shapes(&chart);
    check_arrows_reach(&chart, &def);

    for step in &def.steps {
        assert!(
            squeeze(&chart.cell("cell-activity", step.no)).contains(&squeeze(&step.activity)),
            "step {} activity",
            step.no
        );
        for item in step.requirements.iter().chain(&step.outputs) {
            let cells =
                chart.cell("cell-requirements", step.no) + &chart.cell("cell-output", step.no);
            assert!(
                squeeze(&cells).contains(&squeeze(item)),
                "step {} lacks {item:?}",
                step.no
            );
        }
        if let Some(time) = &step.time {
            assert_eq!(
                chart.cell("cell-time", step.no),
                time.as_written.clone().unwrap()
            );
        }
    }
    // The heading rows repeat on the second page, with the column numbers 1..12.
    for page in [1, 2] {
        let numbers: Vec<&str> = chart
            .texts
            .iter()
            .filter(|(text_page, class, _, _)| *text_page == page && class == "column-number")
            .map(|(_, _, _, text)| text.as_str())
            .collect();
        assert_eq!(
            numbers,
            [
                "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"
            ]
        );
        assert!(
            chart
                .texts
                .iter()
                .any(|(text_page, _, _, text)| *text_page == page && text == "Uraian Kegiatan")
        );
    }

    // Step 7 continues at step 8 on the next page through connector A; the OPD's "Tidak" at
    // step 9 goes back to step 7 on the first page through connector B.
    let a_out = chart.shape("connector-A-out");
    let a_in = chart.shape("connector-A-in");
    assert_eq!((a_out.page, a_in.page), (1, 2));
    assert!(
        a_out.top > chart.shape("step-7").bottom,
        "A sits under step 7"
    );
    assert!(
        a_in.bottom < chart.shape("step-8").top,
        "A sits over step 8"
    );
    let b_out = chart.shape("connector-B-out");
    let b_in = chart.shape("connector-B-in");
    assert_eq!((b_out.page, b_in.page), (2, 1));
    assert!(chart.arrows.iter().any(|arrow| arrow.from == "9"
        && arrow.to == "7"
        && arrow.branch == "no"
        && arrow.page == 2));
    assert!(
        chart
            .arrows
            .iter()
            .any(|arrow| arrow.from == "9" && arrow.to == "7" && arrow.page == 1)
    );
    assert_eq!(
        chart
            .shapes
            .iter()
            .filter(|shape| shape.id.starts_with("connector-"))
            .count(),
        4
    );

    // Step 6 rejects into a small "Ditolak" capsule.
    let reject = chart.shape("reject-6");
    assert_eq!(reject.page, 1);
    assert!(chart.texts.iter().any(|(_, _, _, text)| text == "Ditolak"));
    let labels: Vec<&str> = chart.labels.iter().map(|(_, text)| text.as_str()).collect();
    assert_eq!(
        labels.iter().filter(|text| **text == "Ya").count(),
        2,
        "{labels:?}"
    );
    assert_eq!(
        labels.iter().filter(|text| **text == "Tidak").count(),
        2,
        "{labels:?}"
    );

    // Returns to the OPD are noted, not drawn.
    assert!(
        chart
            .cell("cell-remarks", 2)
            .contains("Dapat dikembalikan ke OPD")
    );
    assert!(chart.cell("cell-remarks", 8).contains("Tim Jaringan"));
}

#[test]
fn prints_english_labels_but_keeps_the_sop_text() {
    let def = shipped();
    let chart = read(&flowchart_svg(&def, Lang::En));
    assert!(chart.texts.iter().any(|(_, _, _, text)| text == "Activity"));
    assert!(chart.texts.iter().any(|(_, _, _, text)| text == "Rejected"));
    assert!(chart.labels.iter().any(|(_, text)| text == "Yes"));
    assert!(
        chart
            .cell("cell-activity", 3)
            .contains("Disposisi Kepala Dinas")
    );
    assert!(chart.cell("cell-remarks", 2).contains("returned to OPD"));
}

fn actor(id: &str) -> Actor {
    Actor {
        id: id.to_owned(),
        name: id.to_uppercase(),
        position: id.to_owned(),
        requester: false,
        reports_to: None,
        column: true,
    }
}

fn step(no: u32, kind: StepKind, actor: &str, next: Option<u32>) -> Step {
    Step {
        no,
        kind,
        form: StepForm::Record,
        actors: vec![actor.to_owned()],
        activity: format!("Langkah {no}"),
        requirements: vec![format!("Syarat {no}")],
        time: (kind != StepKind::End).then_some(TimeStandard {
            value: 2,
            unit: TimeUnit::Days,
            as_written: None,
        }),
        outputs: vec![format!("Hasil {no}")],
        next,
        may_return: false,
        may_reject: false,
        may_skip: false,
        decision: None,
        joint: pelihara_sop::Joint::First,
        reading: None,
        remarks: None,
    }
}

fn decision(mut step: Step, if_no: Target) -> Step {
    step.decision = Some(Decision {
        question: format!("Lanjut dari {}?", step.no),
        if_no,
        decided_by: step.actors[0].clone(),
    });
    step
}

fn definition(steps: Vec<Step>, page_breaks: Vec<u32>) -> SopDefinition {
    SopDefinition {
        header: Header {
            code: "uji".to_owned(),
            version: 1,
            number: "Uji / 1".to_owned(),
            title: "Uji & Coba <SOP>".to_owned(),
            government: "Pemerintah Kabupaten Uji".to_owned(),
            office: "Dinas Uji".to_owned(),
            created: "2024-01".to_owned(),
            revised: String::new(),
            effective: "2024-03-15".to_owned(),
            legal_basis: vec!["Dasar 1".to_owned(), "Dasar 2".to_owned()],
            qualifications: vec!["Kepala".to_owned()],
            related: Vec::new(),
            equipment: vec!["Komputer".to_owned()],
            warning: "Hati-hati".to_owned(),
            records: vec!["Catatan".to_owned()],
            approver: Approver {
                position: "Kepala Dinas Uji".to_owned(),
                name: "Nama Kepala".to_owned(),
                rank: "Pembina".to_owned(),
                nip: "1234".to_owned(),
            },
        },
        settings: Settings {
            days: DayCount::Working,
            time_zone: "Asia/Jakarta".to_owned(),
            maintenance_interval_months: 12,
            due_soon_percent: 25,
            opd_may_withdraw: true,
            disposition_instructions: Vec::new(),
            ..Settings::default()
        },
        intake: pelihara_sop::Intake::default(),
        actors: vec![actor("a"), actor("b"), actor("c"), actor("d")],
        steps,
        layout: Layout { page_breaks },
        errata: Vec::new(),
    }
}

#[test]
fn escapes_markup_in_sop_text() {
    let mut start = step(1, StepKind::Start, "a", Some(2));
    start.activity = r#"Cek <script>alert("x")</script> & 'kutip' > 5"#.to_owned();
    start.requirements = vec!["A&B".to_owned()];
    let def = definition(vec![start, step(2, StepKind::End, "b", None)], Vec::new());
    let pages = flowchart_svg(&def, Lang::Id);
    let chart = read(&pages);
    // The parser gives back exactly the text that went in.
    assert_eq!(
        squeeze(&chart.cell("cell-activity", 1)),
        squeeze(&def.steps[0].activity)
    );
    assert!(chart.cell("cell-requirements", 1).contains("A&B"));
    assert!(pages[0].contains("&lt;script&gt;") && !pages[0].contains("<script>"));
    let html = document_html(&def, Lang::Id);
    assert!(
        !html.contains("<script>"),
        "raw markup from SOP text reached the HTML"
    );
    assert!(html.contains("Uji &amp; Coba &lt;SOP&gt;"));
}

#[test]
fn routes_a_loop_back_on_the_same_page_around_the_symbols() {
    // 3 checks and sends back to 2 (in the column right of it); 5 sends back to 1, past
    // symbols in every column between.
    let steps = vec![
        step(1, StepKind::Start, "a", Some(2)),
        step(2, StepKind::Activity, "b", Some(3)),
        decision(step(3, StepKind::Decision, "c", Some(4)), Target::Step(2)),
        step(4, StepKind::Activity, "b", Some(5)),
        decision(step(5, StepKind::Decision, "a", Some(6)), Target::Step(1)),
        decision(step(6, StepKind::Decision, "d", Some(7)), Target::Reject),
        step(7, StepKind::End, "d", None),
    ];
    let def = definition(steps, Vec::new());
    let pages = flowchart_svg(&def, Lang::Id);
    dump("loops", &pages);
    assert_eq!(pages.len(), 1);
    let chart = read(&pages);
    check_symbols(&def, &chart);
    check_arrows_avoid_shapes(&chart);
    check_arrows_reach(&chart, &def);
    assert!(
        chart
            .shapes
            .iter()
            .all(|shape| !shape.id.starts_with("connector-")),
        "one page needs no connectors"
    );
    // The step in the last column rejects to its left, the only side with room.
    assert!(chart.shape("reject-6").right < chart.shape("step-6").left);
    // Loops go up.
    let back = chart
        .arrows
        .iter()
        .find(|arrow| arrow.from == "5" && arrow.to == "1")
        .unwrap();
    assert!(back.points.last().unwrap().1 < back.points[0].1);
}

/// The SOP's own Keterangan is drawn in its column as running text, before Pelihara's notes
/// (which keep their "- " list), on the flowchart and so in the HTML document.
#[test]
fn draws_the_keterangan_as_the_sop_writes_it() {
    let mut check = step(2, StepKind::Activity, "b", Some(3));
    check.remarks = Some("Berkas diperiksa bersama <Tim> & OPD".to_owned());
    check.may_return = true;
    let steps = vec![
        step(1, StepKind::Start, "a", Some(2)),
        check,
        step(3, StepKind::End, "c", None),
    ];
    let def = definition(steps, Vec::new());
    let pages = flowchart_svg(&def, Lang::Id);
    dump("remarks", &pages);
    let chart = read(&pages);
    let cell = chart.cell("cell-remarks", 2);
    assert!(
        cell.starts_with("Berkas diperiksa bersama <Tim> & OPD - "),
        "the Keterangan comes first, unbulleted, then the notes: {cell:?}"
    );
    assert!(cell.contains("dikembalikan"), "{cell:?}");
    assert_eq!(chart.cell("cell-remarks", 1), "", "no remarks, no notes");
    let html = document_html(&def, Lang::Id);
    // Its lines are tspans of the embedded SVG, escaped.
    assert!(html.contains("Berkas diperiksa") && html.contains("&lt;Tim&gt; &amp;"));
}

/// Issue 18 item 19: a column heading with a word longer than its column breaks the word
/// with a hyphen instead of cutting it silently.
#[test]
fn hyphenates_long_words_in_column_headings() {
    let steps = vec![
        step(1, StepKind::Start, "a", Some(2)),
        step(2, StepKind::End, "b", None),
    ];
    let mut def = definition(steps, Vec::new());
    def.actors[0].name = "Kasubbag Kesekretariatan".to_owned();
    def.actors[1].name = "Bendaharawan".to_owned();
    let pages = flowchart_svg(&def, Lang::Id);
    dump("headings", &pages);
    let chart = read(&pages);
    let headings: Vec<&str> = chart
        .actor_columns
        .iter()
        .map(|(text, _)| text.as_str())
        .collect();
    assert_eq!(
        headings[..2],
        ["Kasubbag Kesekreta- riatan", "Bendahara- wan"]
    );
    // Every heading reads back as the name once the hyphens are taken out.
    for (heading, actor) in chart.actor_columns.iter().zip(&def.actors) {
        assert_eq!(heading.0.replace("- ", ""), actor.name);
    }
}

#[test]
fn breaks_pages_where_the_layout_says_and_joins_them_with_connectors() {
    let steps = vec![
        step(1, StepKind::Start, "a", Some(2)),
        step(2, StepKind::Activity, "d", Some(3)),
        step(3, StepKind::Activity, "b", Some(4)),
        decision(step(4, StepKind::Decision, "c", Some(5)), Target::Step(1)),
        step(5, StepKind::End, "c", None),
    ];
    let def = definition(steps, vec![2, 3]);
    let pages = flowchart_svg(&def, Lang::Id);
    dump("breaks", &pages);
    assert_eq!(pages.len(), 3);
    let chart = read(&pages);
    check_symbols(&def, &chart);
    check_arrows_avoid_shapes(&chart);
    check_arrows_reach(&chart, &def);
    // 2 -> 3 and 3 -> 4 cross a break; 4 -> 1 goes back two pages.
    let mut pairs: Vec<(String, usize, usize)> = Vec::new();
    for shape in chart
        .shapes
        .iter()
        .filter(|shape| shape.id.ends_with("-out"))
    {
        let label = shape
            .id
            .trim_start_matches("connector-")
            .trim_end_matches("-out");
        let arriving = chart.shape(&format!("connector-{label}-in"));
        pairs.push((label.to_owned(), shape.page, arriving.page));
    }
    pairs.sort();
    assert_eq!(
        pairs,
        [
            ("A".to_owned(), 1, 2),
            ("B".to_owned(), 2, 3),
            ("C".to_owned(), 3, 1)
        ]
    );
    // Unwritten times are given in words.
    assert_eq!(chart.cell("cell-time", 2), "2 hari kerja");
}

/// A long SOP whose file names no page breaks is split on its own, as the official
/// documents are: pages of at most seven steps, spread evenly, joined by connectors, and
/// drawn exactly as if the file had named those breaks.
#[test]
fn breaks_a_long_flowchart_into_pages_on_its_own() {
    let columns = ["a", "b", "c", "d"];
    let steps: Vec<Step> = (1..=25)
        .map(|no| {
            let kind = match no {
                1 => StepKind::Start,
                25 => StepKind::End,
                _ => StepKind::Activity,
            };
            let next = (no < 25).then_some(no + 1);
            step(no, kind, columns[(no as usize - 1) % 4], next)
        })
        .collect();
    let def = definition(steps, Vec::new());
    let pages = flowchart_svg(&def, Lang::Id);
    dump("long", &pages);
    assert_eq!(pages.len(), 4, "25 steps as 7, 6, 6, 6");
    let explicit = definition(def.steps.clone(), vec![7, 13, 19]);
    assert_eq!(pages, flowchart_svg(&explicit, Lang::Id));
    let chart = read(&pages);
    check_symbols(&explicit, &chart);
    check_arrows_avoid_shapes(&chart);
    check_arrows_reach(&chart, &explicit);
    let mut pairs: Vec<(String, usize, usize)> = chart
        .shapes
        .iter()
        .filter(|shape| shape.id.ends_with("-out"))
        .map(|shape| {
            let label = shape
                .id
                .trim_start_matches("connector-")
                .trim_end_matches("-out");
            let arriving = chart.shape(&format!("connector-{label}-in"));
            (label.to_owned(), shape.page, arriving.page)
        })
        .collect();
    pairs.sort();
    assert_eq!(
        pairs,
        [
            ("A".to_owned(), 1, 2),
            ("B".to_owned(), 2, 3),
            ("C".to_owned(), 3, 4)
        ]
    );
    // Seven steps or fewer stay on one page: `routes_a_loop_back_on_the_same_page_...`.
}

#[test]
fn lays_out_the_whole_document_for_a4_landscape() {
    let def = shipped();
    let html = document_html(&def, Lang::Id);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("@page { size: A4 landscape"));
    assert!(html.contains(r#"<html lang="id">"#));
    assert_eq!(
        html.matches("<svg ").count(),
        flowchart_svg(&def, Lang::Id).len()
    );
    for needle in [
        "Nomor SOP",
        "Dinkominfo / 9 / 1 / 23",
        "Mei 2018",
        "Februari 2022",
        "Disahkan oleh",
        "Dra. ENDAH CAHYA RINI, MM",
        "Pembina Utama Muda",
        "NIP. 19680903 199302 2 001",
        "Dasar Hukum",
        "Kualifikasi Pelaksana",
        "Keterkaitan",
        "Peralatan/Perlengkapan",
        "Peringatan",
        "Pencatatan dan Pendataan",
        "Filling kabinet/rol o&#39;pack",
        "Pemerintah Kabupaten Demak",
    ] {
        assert!(html.contains(needle), "the document lacks {needle:?}");
    }
    // The signature block closes the document, after the last flowchart page.
    let signature = html.rfind(r#"class="signature""#).unwrap();
    assert!(signature > html.rfind("</svg>").unwrap());
    // Self-contained: nothing is fetched.
    for external in ["src=", "<link", "url(", "@import"] {
        assert!(
            !html.contains(external),
            "the page refers to something outside it: {external}"
        );
    }
    let english = document_html(&def, Lang::En);
    assert!(
        english.contains("SOP number")
            && english.contains("May 2018")
            && english.contains(r#"lang="en""#)
    );
}
