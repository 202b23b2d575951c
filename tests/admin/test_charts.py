"""Server-side SVG charts: well-formed, escaped, sensible with no data."""
import xml.etree.ElementTree as ET

from bot.admin.charts import Bar, bar_chart, funnel_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def test_a_bar_chart_has_one_bar_per_day_and_a_highlighted_part():
    svg = _parse(bar_chart([Bar("01/11", 10, 2), Bar("02/11", 0), Bar("03/11", 5, 5)], "Tin nhắn", "không hiểu"))
    rects = svg.findall(f".//{SVG}rect")
    assert len(rects) == 5  # three bars, two highlighted parts
    tallest = max(float(r.get("height")) for r in rects)
    assert tallest == float(rects[0].get("height"))
    assert svg.find(f"{SVG}title").text == "Tin nhắn"
    assert "01/11: 10 (không hiểu: 2)" in [t.text for t in svg.iter(f"{SVG}title")]


def test_labels_are_escaped():
    svg = str(funnel_chart([("<script>x</script>", 3)], 'A "quoted" <title>'))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    _parse(svg)


def test_a_funnel_shows_counts_shares_and_drop_off():
    svg = _parse(funnel_chart([("Bước 1", 100), ("Bước 2", 60), ("Hoàn thành", 30)], "Phễu"))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "100 · 100%" in texts and "60 · 60%" in texts and "30 · 30%" in texts
    assert "rời bỏ 40 (40%)" in texts and "rời bỏ 30 (50%)" in texts
    widths = [float(r.get("width")) for r in svg.findall(f".//{SVG}rect")][1::2]
    assert widths[0] > widths[1] > widths[2] > 0


def test_charts_without_data_say_so():
    for svg in (bar_chart([], "x"), funnel_chart([], "x"), funnel_chart([("Bước 1", 0)], "x")):
        tree = _parse(svg)
        assert tree.tag == f"{SVG}svg"
    assert "Chưa có dữ liệu" in str(bar_chart([], "x"))
