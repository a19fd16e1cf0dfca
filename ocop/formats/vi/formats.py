"""Dates typed in forms: day/month/year first in both languages (ADR 0033), ISO second
(what the browsers' date controls and older links send). Django's own locale module keeps
the rest of the formats; without this file Vietnamese would fall back to the default
month/day/year and read “03/12/2026” as 12 March."""

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"]
