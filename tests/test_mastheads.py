"""Every document of the shared corpus is indexed under what its own masthead says (skipped without it).

The table was read by a person from each document's masthead: the symbol printed beside "United Nations"
(or, in the Markdown extracts that lost that line, implied by the "80/16." title line), the kind of
document, the adoption date ("Resolution adopted by the General Assembly on ..."; a draft has none, so its
distribution date), and the title line. Markdown extracts cut long title lines short; the indexed title must
then begin with what the masthead shows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.models import Passage
from index.store import IndexStore

pytestmark = pytest.mark.corpus

# (file, symbol, kind, date, title as the masthead prints it)
MASTHEADS = [
    ('A_C.1_80_L.20.pdf', 'A/C.1/80/L.20', 'draft resolution', '2025-10-13', 'Open-ended working group on security of and in the use of information and communications technologies 2021–2025 established pursuant to General Assembly resolution 75/240'),
    ('A_RES_73_266.txt', 'A/RES/73/266', 'resolution', '2018-12-22', 'Advancing responsible State behaviour in cyberspace in the context of international security'),
    ('A_RES_73_27.txt', 'A/RES/73/27', 'resolution', '2018-12-05', 'Developments in the field of information and telecommunications in the context of international security'),
    ('A_RES_74_28.txt', 'A/RES/74/28', 'resolution', '2019-12-12', 'Advancing responsible State behaviour in cyberspace in the context of international security'),
    ('A_RES_74_29.txt', 'A/RES/74/29', 'resolution', '2019-12-12', 'Developments in the field of information and telecommunications in the context of international security'),
    ('A_RES_75_240.txt', 'A/RES/75/240', 'resolution', '2020-12-31', 'Developments in the field of information and telecommunications in the context of international security'),
    ('A_RES_75_32.txt', 'A/RES/75/32', 'resolution', '2020-12-07', 'Advancing responsible State behaviour in cyberspace in the context of international security'),
    ('A_RES_76_19.txt', 'A/RES/76/19', 'resolution', '2021-12-06', 'Developments in the field of information and telecommunications in the context of international security, and advancing responsible State behaviour in the use of information and communications technologies'),
    ('A_RES_77_36.txt', 'A/RES/77/36', 'resolution', '2022-12-07', 'Developments in the field of information and telecommunications in the context of international security'),
    ('A_RES_77_37.txt', 'A/RES/77/37', 'resolution', '2022-12-07', 'Programme of action to advance responsible State behaviour in the use of information and communications technologies in the context of international security'),
    ('A_RES_78_16.pdf', 'A/RES/78/16', 'resolution', '2023-12-04', 'Programme of action to advance responsible State behaviour in the use of information and communications technologies in the context of international security'),
    ('A_RES_78_237.pdf', 'A/RES/78/237', 'resolution', '2023-12-22', 'Developments in the field of information and telecommunications in the context of international security'),
    ('A_RES_79_237.pdf', 'A/RES/79/237', 'resolution', '2024-12-24', 'Open-ended working group on security of and in the use of information and communications technologies 2021–2025 established pursuant to General Assembly resolution 75/240'),
    ('A_RES_79_243.pdf', 'A/RES/79/243', 'resolution', '2024-12-24', 'United Nations Convention against Cybercrime; Strengthening International Cooperation for Combating Certain Crimes Committed by Means of Information and Communications Technology Systems and for the Sharing of Evidence in Electronic Form of Serious Crimes'),
    ('A_RES_80_1.md', 'A/RES/80/1', 'resolution', '2025-09-19', 'Participation by the State of Palestine during the eightieth session'),
    ('A_RES_80_10.md', 'A/RES/80/10', 'resolution', '2025-11-26', 'International Day of the World’s Indigenous Women and Girls'),
    ('A_RES_80_11.md', 'A/RES/80/11', 'resolution', '2025-11-26', '2025 review of the United Nations peacebuilding architecture'),
    ('A_RES_80_12.md', 'A/RES/80/12', 'resolution', '2025-12-01', 'Objective information on military matters, including transparency of military expenditures'),
    ('A_RES_80_13.md', 'A/RES/80/13', 'resolution', '2025-12-01', 'Implementation of the Declaration of the Indian Ocean as a Zone of Peace'),
    ('A_RES_80_14.md', 'A/RES/80/14', 'resolution', '2025-12-01', 'African Nuclear-Weapon-Free Zone Treaty'),
    ('A_RES_80_15.md', 'A/RES/80/15', 'resolution', '2025-12-01', 'Treaty for the Prohibition of Nuclear Weapons in Latin America'),
    ('A_RES_80_16.md', 'A/RES/80/16', 'resolution', '2025-12-01', 'Open-ended working group on security of and in the use of'),
    ('A_RES_80_17.md', 'A/RES/80/17', 'resolution', '2025-12-01', 'Establishment of a nuclear-weapon-free zone in the region of the Middle East'),
    ('A_RES_80_18.md', 'A/RES/80/18', 'resolution', '2025-12-01', 'Conclusion of effective international arrangements to assure non‑nuclear-weapon States against the use or threat of use of nuclear weapons'),
    ('A_RES_80_19.md', 'A/RES/80/19', 'resolution', '2025-12-01', 'Prevention of an arms race in outer space'),
    ('A_RES_80_2.md', 'A/RES/80/2', 'resolution', '2025-10-14', 'Scale of assessments for the apportionment of the expenses of the'),
    ('A_RES_80_20.md', 'A/RES/80/20', 'resolution', '2025-12-01', 'No first placement of weapons in outer space'),
    ('A_RES_80_21.md', 'A/RES/80/21', 'resolution', '2025-12-01', 'Further practical measures for the prevention of an arms race in outer space'),
    ('A_RES_80_22.md', 'A/RES/80/22', 'resolution', '2025-12-01', 'Role of science and technology in the context of international security and disarmament'),
    ('A_RES_80_23.md', 'A/RES/80/23', 'resolution', '2025-12-01', 'Possible risks of the integration of artificial intelligence into'),
    ('A_RES_80_24.md', 'A/RES/80/24', 'resolution', '2025-12-01', 'Nuclear disarmament'),
    ('A_RES_80_25.md', 'A/RES/80/25', 'resolution', '2025-12-01', 'Relationship between disarmament and development'),
    ('A_RES_80_26.md', 'A/RES/80/26', 'resolution', '2025-12-01', 'Prohibition of the dumping of radioactive wastes'),
    ('A_RES_80_27.md', 'A/RES/80/27', 'resolution', '2025-12-01', 'Regional disarmament'),
    ('A_RES_80_28.md', 'A/RES/80/28', 'resolution', '2025-12-01', 'Transparency in armaments'),
    ('A_RES_80_29.md', 'A/RES/80/29', 'resolution', '2025-12-01', 'Conventional arms control at the regional and subregional levels'),
    ('A_RES_80_3.md', 'A/RES/80/3', 'resolution', '2025-10-14', 'Awaza Political Declaration'),
    ('A_RES_80_30.md', 'A/RES/80/30', 'resolution', '2025-12-01', 'Convening of the fourth special session of the General Assembly'),
    ('A_RES_80_31.md', 'A/RES/80/31', 'resolution', '2025-12-01', 'Nuclear-weapon-free southern hemisphere and adjacent areas'),
    ('A_RES_80_32.md', 'A/RES/80/32', 'resolution', '2025-12-01', 'Observance of environmental norms in the drafting and'),
    ('A_RES_80_33.md', 'A/RES/80/33', 'resolution', '2025-12-01', 'Follow-up to the advisory opinion of the International Court of'),
    ('A_RES_80_34.md', 'A/RES/80/34', 'resolution', '2025-12-01', 'Implementation of the Convention on the Prohibition of the'),
    ('A_RES_80_35.md', 'A/RES/80/35', 'resolution', '2025-12-01', 'Implementation of the Convention on the Prohibition of the Use, Stockpiling, Production and Transfer of Anti-Personnel Mines and on Their Destruction'),
    ('A_RES_80_36.md', 'A/RES/80/36', 'resolution', '2025-12-01', 'Assistance to States for curbing the illicit traffic in small arms and'),
    ('A_RES_80_37.md', 'A/RES/80/37', 'resolution', '2025-12-01', 'Reducing nuclear danger'),
    ('A_RES_80_38.md', 'A/RES/80/38', 'resolution', '2025-12-01', 'The illicit trade in small arms and light weapons in all its aspects'),
    ('A_RES_80_39.md', 'A/RES/80/39', 'resolution', '2025-12-01', 'Towards a nuclear-weapon-free world: accelerating the'),
    ('A_RES_80_4.md', 'A/RES/80/4', 'resolution', '2025-10-29', 'Necessity of ending the economic, commercial and financial'),
    ('A_RES_80_40.md', 'A/RES/80/40', 'resolution', '2025-12-01', 'Promotion of multilateralism in the area of disarmament and non‑proliferation'),
    ('A_RES_80_41.md', 'A/RES/80/41', 'resolution', '2025-12-01', 'Measures to prevent terrorists from acquiring weapons of'),
    ('A_RES_80_42.md', 'A/RES/80/42', 'resolution', '2025-12-01', 'Confidence-building measures in the regional and subregional context'),
    ('A_RES_80_43.md', 'A/RES/80/43', 'resolution', '2025-12-01', 'Through-life conventional ammunition management'),
    ('A_RES_80_44.md', 'A/RES/80/44', 'resolution', '2025-12-01', 'Transparency and confidence-building measures in outer space activities'),
    ('A_RES_80_45.md', 'A/RES/80/45', 'resolution', '2025-12-01', 'Follow-up to nuclear disarmament obligations agreed to at the'),
    ('A_RES_80_46.md', 'A/RES/80/46', 'resolution', '2025-12-01', 'The Arms Trade Treaty'),
    ('A_RES_80_47.md', 'A/RES/80/47', 'resolution', '2025-12-01', 'Treaty on the South-East Asia Nuclear-Weapon-Free Zone'),
    ('A_RES_80_48.md', 'A/RES/80/48', 'resolution', '2025-12-01', 'Steps to building a common roadmap towards a world without nuclear weapons'),
    ('A_RES_80_49.md', 'A/RES/80/49', 'resolution', '2025-12-01', 'Follow-up to the 2013 high-level meeting of the General Assembly'),
    ('A_RES_80_5.md', 'A/RES/80/5', 'resolution', '2025-11-04', 'Doha Political Declaration of the “World Social Summit” under the title “the Second World Summit for Social Development”'),
    ('A_RES_80_50.md', 'A/RES/80/50', 'resolution', '2025-12-01', 'Humanitarian consequences of nuclear weapons'),
    ('A_RES_80_51.md', 'A/RES/80/51', 'resolution', '2025-12-01', 'Ethical imperatives for a nuclear-weapon-free world'),
    ('A_RES_80_52.md', 'A/RES/80/52', 'resolution', '2025-12-01', 'Implementation of the Convention on Cluster Munitions'),
    ('A_RES_80_53.md', 'A/RES/80/53', 'resolution', '2025-12-01', 'Establishment of the Group of Scientific and Technical Experts on'),
    ('A_RES_80_54.md', 'A/RES/80/54', 'resolution', '2025-12-01', 'Treaty on the Prohibition of Nuclear Weapons'),
    ('A_RES_80_55.md', 'A/RES/80/55', 'resolution', '2025-12-01', 'Youth, disarmament and non‑proliferation'),
    ('A_RES_80_6.md', 'A/RES/80/6', 'resolution', '2025-11-11', 'Report of the International Criminal Court'),
    ('A_RES_80_7.md', 'A/RES/80/7', 'resolution', '2025-11-14', 'Report of the International Atomic Energy Agency'),
    ('A_RES_80_8.md', 'A/RES/80/8', 'resolution', '2025-11-19', 'Building a peaceful and better world through sport and the'),
    ('A_RES_80_9.md', 'A/RES/80/9', 'resolution', '2025-11-24', '2025 Political Declaration on the Implementation of the United Nations Global Plan of Action to Combat Trafficking in Persons'),
]
# The commentaries carry no masthead: what the manifest says of them.
COMMENTARIES = {
    "unidir-regular-institutional-dialogue.md": "analysis",
    "circleid-global-mechanism-launch.txt": "commentary",
    "ccdis-new-era-global-mechanism.txt": "commentary",
}


def _folded(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def documents(corpus_index: Path) -> dict[str, Passage]:
    """The first passage of each indexed document, by the name of the file it was indexed from."""
    first: dict[str, Passage] = {}
    for passage in IndexStore(corpus_index).passages():
        first.setdefault(Path(passage.doc.source).name, passage)
    return first


def test_all_72_documents_are_indexed(documents: dict[str, Passage]) -> None:
    assert len(MASTHEADS) + len(COMMENTARIES) == 72
    assert sorted(documents) == sorted([row[0] for row in MASTHEADS] + list(COMMENTARIES))
    assert len({p.doc.doc_id for p in documents.values()}) == 72


@pytest.mark.parametrize(("name", "symbol", "kind", "date", "title"), MASTHEADS, ids=[row[0] for row in MASTHEADS])
def test_document_is_indexed_as_its_masthead_says(
    documents: dict[str, Passage], name: str, symbol: str, kind: str, date: str, title: str
) -> None:
    doc = documents[name].doc
    assert (doc.symbol, doc.doc_id, doc.kind, doc.date) == (symbol, symbol, kind, date)
    assert doc.doc_type == ("draft" if kind == "draft resolution" else "resolution")
    assert _folded(doc.title).startswith(_folded(title)), doc.title


def test_every_masthead_confirms_its_symbol_and_nothing_is_unconfirmed(documents: dict[str, Passage]) -> None:
    confirmed = {name for name, p in documents.items() if p.doc.provenance.symbol_confirmed}
    assert confirmed == {row[0] for row in MASTHEADS}, "the 69 UN documents, by their own mastheads"
    assert all(p.doc.provenance.trusted and p.doc.provenance.source.value == "corpus" for p in documents.values())
    assert all(p.doc.label == p.doc.symbol for name, p in documents.items() if name in confirmed)


def test_commentaries_keep_their_manifest_types(documents: dict[str, Passage]) -> None:
    for name, doc_type in COMMENTARIES.items():
        assert documents[name].doc.doc_type == doc_type
        assert documents[name].doc.symbol is None


def test_a_wrong_front_matter_title_loses_to_the_masthead(documents: dict[str, Passage]) -> None:
    doc = documents["A_RES_80_52.md"].doc
    assert doc.title == "Implementation of the Convention on Cluster Munitions"
    assert "Bangkok" not in doc.title


def test_the_ingest_report_names_the_file_and_the_conflict(shared_corpus: Path) -> None:
    from corpus.manifest import Manifest
    from ingest.metadata import MetadataResolver
    from ingest.readers import reader_for

    path = shared_corpus / "resolutions" / "A_RES_80_52.md"
    conflicts = MetadataResolver(Manifest.load()).resolve(reader_for(path).read(path)).conflicts
    assert any("front matter title" in c and "Bangkok" in c and "Cluster Munitions" in c for c in conflicts)


def test_the_official_pdf_and_the_markdown_of_80_16_are_one_document(
    shared_corpus: Path, shared_fixtures: Path, tmp_path: Path
) -> None:
    from ingest.pipeline import Ingestor
    from tests.fakes import HashEmbedder

    pdf = shared_fixtures / "un-pdfs" / "A_RES_80_16.pdf"
    report = Ingestor(tmp_path / "index", HashEmbedder()).ingest([shared_corpus / "resolutions", pdf])
    assert not report.failed
    [merged] = report.merged
    assert merged.doc_id == "A/RES/80/16"
    assert {merged.indexed_from, merged.also_from} == {str(pdf), str(shared_corpus / "resolutions" / "A_RES_80_16.md")}
    passages = [p for p in IndexStore(tmp_path / "index").passages() if p.doc.doc_id == "A/RES/80/16"]
    assert [p.locator for p in passages if p.locator.startswith("para.")] == [f"para. {n}" for n in (1, 2, 3, 4)]
    assert {p.doc.source for p in passages} == {merged.indexed_from}
    assert set(passages[0].doc.sources) == {merged.indexed_from, merged.also_from}
    assert len({p.doc.doc_id for p in IndexStore(tmp_path / "index").passages()}) == 55
