"""The corpus's own vocabulary: its acronyms and the words the documents use for them.

Users and documents say "DTG", "OEWG" or "PoA" as often as the full words; the embedding model knows
neither. Spelling acronyms out on both sides (passages at indexing, questions at search) lets BM25 and
the dense model match them.
"""

from __future__ import annotations

import re

ACRONYMS: dict[str, str] = {
    "DTG": "dedicated thematic group",
    "DTGs": "dedicated thematic groups",
    "OEWG": "open-ended working group",
    "OEWGs": "open-ended working groups",
    "GGE": "group of governmental experts",
    "GGEs": "groups of governmental experts",
    "CBM": "confidence-building measure",
    "CBMs": "confidence-building measures",
    "PoA": "programme of action",
    "POA": "programme of action",
    "APR": "annual progress report",
    "APRs": "annual progress reports",
    "RID": "regular institutional dialogue",
    "PoC": "points of contact",
    "PoCs": "points of contact",
    "UNODA": "Office for Disarmament Affairs",
    "ODA": "Office for Disarmament Affairs",
    "UNGA": "General Assembly",
    "ICT": "information and communications technologies",
    "ICTs": "information and communications technologies",
    "ECOSOC": "Economic and Social Council",
    "UNIDIR": "United Nations Institute for Disarmament Research",
    "NGO": "non-governmental organization",
    "NGOs": "non-governmental organizations",
}
# Spelled-out forms a question may use where a passage uses the acronym.
_SPELLED = {full.lower(): short for short, full in ACRONYMS.items() if short in (
    "DTGs", "OEWG", "GGE", "CBMs", "PoA", "APRs", "RID", "PoC", "UNODA")}
_ACRONYM = re.compile(r"\b(" + "|".join(sorted(ACRONYMS, key=len, reverse=True)) + r")\b")


def spell_out(text: str) -> str:
    """Each acronym followed by its spelled-out form: `two DTGs` -> `two DTGs (dedicated thematic groups)`."""
    return _ACRONYM.sub(lambda m: f"{m.group(0)} ({ACRONYMS[m.group(0)]})", text)


def expansions(text: str) -> list[str]:
    """The spelled-out form of each acronym in the text, and the acronym of each spelled-out form."""
    found = [ACRONYMS[m.group(0)] for m in _ACRONYM.finditer(text)]
    lowered = text.lower()
    found += [short for full, short in _SPELLED.items() if full in lowered]
    return list(dict.fromkeys(found))


# The months as English (and UN documents) name them, in order: dates are read with them.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

# The subject of the corpus: a question that names no other subject is about this one.
DOMAIN = re.compile(
    r"\b(ICTs?|information and communications? technolog\w*|information and telecommunications|cyber\w*|"
    r"Global Mechanism|open-ended working group|OEWG|regular institutional dialogue|responsible State behaviou?r)\b",
    re.IGNORECASE,
)

# A footnote that only gives a source (a symbol, "Ibid.", a report title, a letter) and names no one.
_SOURCE_REFERENCE = re.compile(
    r"^(?:Ibid\b|\[?A/[A-Z0-9./]+|General Assembly,|Chairperson|Resolutions? \d+/\d+[,;]|\d+\s+Ibid|For example, \[?A/)"
)
# ... unless it names who submitted what it cites: "A/78/76, Annex, Submission by Czechia, 33."
_NAMES_AUTHOR = re.compile(r"\b(?:Submission|Statement|Proposal)s? (?:submitted )?by [A-Z]|\bSubmitted by [A-Z]")


def is_source_reference(footnote: str) -> bool:
    """True for a footnote that only cites a source, as opposed to one naming States or giving votes."""
    return bool(_SOURCE_REFERENCE.match(footnote)) and not _NAMES_AUTHOR.search(footnote) and not states_named(footnote)


# The 193 Member States as UN documents name them, and the European Union, which speaks as a delegation:
# a sentence naming one answers "which States ...?".
MEMBER_STATES = (
    "Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Antigua and Barbuda", "Argentina", "Armenia",
    "Australia", "Austria", "Azerbaijan", "Bahamas", "Bahrain", "Bangladesh", "Barbados", "Belarus", "Belgium",
    "Belize", "Benin", "Bhutan", "Bolivia", "Bosnia and Herzegovina", "Botswana", "Brazil", "Brunei Darussalam",
    "Bulgaria", "Burkina Faso", "Burundi", "Cabo Verde", "Cambodia", "Cameroon", "Canada",
    "Central African Republic", "Chad", "Chile", "China", "Colombia", "Comoros", "Congo", "Costa Rica",
    "Côte d'Ivoire", "Croatia", "Cuba", "Cyprus", "Czechia", "Democratic People's Republic of Korea",
    "Democratic Republic of the Congo", "Denmark", "Djibouti", "Dominica", "Dominican Republic", "Ecuador",
    "Egypt", "El Salvador", "Equatorial Guinea", "Eritrea", "Estonia", "Eswatini", "Ethiopia", "Fiji",
    "Finland", "France", "Gabon", "Gambia", "Georgia", "Germany", "Ghana", "Greece", "Grenada", "Guatemala",
    "Guinea", "Guinea-Bissau", "Guyana", "Haiti", "Honduras", "Hungary", "Iceland", "India", "Indonesia",
    "Iran", "Iraq", "Ireland", "Israel", "Italy", "Jamaica", "Japan", "Jordan", "Kazakhstan", "Kenya",
    "Kiribati", "Kuwait", "Kyrgyzstan", "Lao People's Democratic Republic", "Latvia", "Lebanon", "Lesotho",
    "Liberia", "Libya", "Liechtenstein", "Lithuania", "Luxembourg", "Madagascar", "Malawi", "Malaysia",
    "Maldives", "Mali", "Malta", "Marshall Islands", "Mauritania", "Mauritius", "Mexico", "Micronesia",
    "Monaco", "Mongolia", "Montenegro", "Morocco", "Mozambique", "Myanmar", "Namibia", "Nauru", "Nepal",
    "Netherlands", "New Zealand", "Nicaragua", "Niger", "Nigeria", "North Macedonia", "Norway", "Oman",
    "Pakistan", "Palau", "Panama", "Papua New Guinea", "Paraguay", "Peru", "Philippines", "Poland", "Portugal",
    "Qatar", "Republic of Korea", "Republic of Moldova", "Romania", "Russian Federation", "Rwanda",
    "Saint Kitts and Nevis", "Saint Lucia", "Saint Vincent and the Grenadines", "Samoa", "San Marino",
    "Sao Tome and Principe", "Saudi Arabia", "Senegal", "Serbia", "Seychelles", "Sierra Leone", "Singapore",
    "Slovakia", "Slovenia", "Solomon Islands", "Somalia", "South Africa", "South Sudan", "Spain", "Sri Lanka",
    "Sudan", "Suriname", "Sweden", "Switzerland", "Syrian Arab Republic", "Tajikistan", "Thailand",
    "Timor-Leste", "Togo", "Tonga", "Trinidad and Tobago", "Tunisia", "Türkiye", "Turkmenistan",
    "Tuvalu", "Uganda", "Ukraine", "United Arab Emirates", "United Kingdom", "United Republic of Tanzania",
    "United States", "Uruguay", "Uzbekistan", "Vanuatu", "Venezuela", "Viet Nam", "Yemen", "Zambia",
    "Zimbabwe", "European Union",
)
# The everyday English names of States whose UN names differ: questions and commentary write "Syria",
# resolutions "the Syrian Arab Republic"; both name one State.
COMMON_NAMES = {
    "Brunei": "Brunei Darussalam", "Cape Verde": "Cabo Verde", "Czech Republic": "Czechia",
    "East Timor": "Timor-Leste", "Ivory Coast": "Côte d'Ivoire", "Laos": "Lao People's Democratic Republic",
    "Moldova": "Republic of Moldova", "North Korea": "Democratic People's Republic of Korea",
    "Russia": "Russian Federation", "South Korea": "Republic of Korea", "Swaziland": "Eswatini",
    "Syria": "Syrian Arab Republic", "Tanzania": "United Republic of Tanzania", "Turkey": "Türkiye",
    "Vietnam": "Viet Nam",
}
MEMBER_STATE = re.compile(
    r"\b(?:" + "|".join(re.escape(s) for s in sorted((*MEMBER_STATES, *COMMON_NAMES), key=len, reverse=True)) + r")\b"
)


def states_named(text: str) -> set[str]:
    """The Member States (and the European Union) the text names, each by its UN name."""
    return {COMMON_NAMES.get(name, name) for name in MEMBER_STATE.findall(text)}
