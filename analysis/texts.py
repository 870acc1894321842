"""The report's words and number formats, Dutch by default and English second.

Dutch conventions: a decimal comma (7,4), a point between thousands (2.724),
percentages without a space (22%). Every fixed text of the report is here,
under a key, in both languages; sentences with figures are ``str.format``
templates.
"""

from __future__ import annotations

import math

LANGUAGES = ("nl", "en")
DASH = "\u2013"
"""What a suppressed or unknown cell shows."""
UP, DOWN = "\u25b2", "\u25bc"

_TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "report": "Rapportage",
        "summary": "Samenvatting",
        "introduction": "Inleiding",
        "appendices": "Bijlagen",
        "appendix": "Bijlage",
        "contents": "Inhoud",
        "response_appendix": "Respons",
        "background_appendix": "Achtergrondkenmerken",
        "subgroup_appendix": "Kerncijfers per {by}",
        "method_appendix": "Onderzoeksverantwoording",
        "subgroup": "deelgebied",
        "figure": "Figuur",
        "table": "Tabel",
        "this_round": "Deze meting",
        "previous": "Vorige meting",
        "reference": "Referentiegroep",
        "total": "Totaal",
        "n": "n",
        "mean": "Gemiddelde",
        "margin": "Marge",
        "agree": "% (helemaal) mee eens",
        "share": "%",
        "answer": "Antwoord",
        "item": "Onderdeel",
        "statement": "Stelling",
        "group": "Groep",
        "invited": "Aangeschreven",
        "responded": "Respons",
        "paper": "Papier",
        "online": "Online",
        "rate": "Respons %",
        "channel": "Uitnodiging",
        "channel_email": "Per e-mail",
        "channel_paper": "Per brief",
        "channel_none": "Niet uitgenodigd",
        "mode_paper": "op papier",
        "mode_online": "online",
        "respondents": "Respondenten",
        "agree_legend_dk": "exclusief 'weet niet / n.v.t.'",
        "note_hidden": "{dash} = minder dan {k} antwoorden; niet getoond ter bescherming van de privacy en omdat het resultaat dan te onzeker is.",
        "note_secondary": "Soms is ook een groep met meer antwoorden niet getoond, zodat een verborgen cijfer niet uit het totaal kan worden afgeleid.",
        "note_sig": "(nu {up}) / (nu {down}) achter een cijfer = deze meting scoort significant hoger / lager dan dat cijfer (95% betrouwbaarheid).",
        "sig_marker": "(nu {arrow})",
        "note_margin": "Marge: de helft van het 95%-betrouwbaarheidsinterval. Met 95% zekerheid ligt de werkelijke waarde binnen de score plus of min de marge.",
        "note_routing": "Deze vragen zijn alleen voorgelegd aan respondenten die bij ‘{question}’ antwoordden: {answers}.",
        "note_routing_generic": "Deze vragen zijn alleen voorgelegd aan een deel van de respondenten.",
        "note_excluded": "Zonder de antwoorden {answers}.",
        "note_open": "Op de open vraag ‘{question}’ gaven {n} respondenten een toelichting. De toelichtingen staan in de export en niet in dit rapport: ze kunnen persoonsgegevens bevatten.",
        "note_open_hidden": "De toelichtingen op ‘{question}’ staan in de export en niet in dit rapport: ze kunnen persoonsgegevens bevatten.",
        "note_open_quoted": "Op de open vraag ‘{question}’ gaven {n} respondenten een toelichting.",
        "quotes_intro": "Enkele toelichtingen uit de open antwoorden:",
        "quote": "‘{text}’",
        "method_quotes": "De citaten uit de open antwoorden zijn door de onderzoekers gekozen en geanonimiseerd: namen, telefoonnummers en andere persoonsgegevens zijn weggelaten of vervangen. De overige open antwoorden staan niet in dit rapport.",
        "grades_fig": "Gemiddelde rapportcijfers",
        "grade_fig": "Rapportcijfer",
        "spread_fig": "Spreiding rapportcijfer",
        "agree_fig": "Stellingen: % (helemaal) mee eens",
        "stacked_fig": "Stellingen: verdeling van de antwoorden",
        "dist_fig": "Verdeling",
        "fail": "onvoldoende (1 t/m 5)",
        "pass": "voldoende (6 t/m 10)",
        "grade_axis": "Gemiddeld rapportcijfer (1-10)",
        "percent_axis": "Percentage",
        "share_axis": "Percentage respondenten",
        "figures_intro_grades": "Figuur {fig} toont de gemiddelde rapportcijfers die de respondenten geven.",
        "figures_intro_grade": "Figuur {fig} toont het gemiddelde rapportcijfer voor ‘{label}’.",
        "figures_intro_agree": "De respondenten kregen de volgende stellingen voorgelegd. Figuur {fig} toont het percentage dat het (helemaal) eens is, zonder de antwoorden ‘weet niet / n.v.t.’; figuur {fig2} toont de verdeling van alle antwoorden.",
        "sentence_grade": "Het gemiddelde rapportcijfer voor ‘{label}’ is een {value} (marge ± {margin}, n = {n}).",
        "sentence_fail": "{pct} van de respondenten geeft een onvoldoende.",
        "cmp_higher": "significant hoger dan {what} ({other})",
        "cmp_lower": "significant lager dan {what} ({other})",
        "cmp_same": "{what} ({other})",
        "cmp_sig": "Dat is {sig}.",
        "cmp_sig_same": "Dat is {sig}; het verschil met {same} is niet significant.",
        "cmp_only_same": "Dat verschilt niet significant van {same}.",
        "the_previous": "de vorige meting",
        "the_reference": "de referentiegroep",
        "and": "en",
        "or": "of",
        "hidden_sentence": "Voor ‘{label}’ zijn te weinig antwoorden (minder dan {k}) om een cijfer te tonen.",
        "best_grade": "Het hoogste rapportcijfer krijgt ‘{label}’ ({value}); het laagste ‘{low_label}’ ({low_value}).",
        "highest_agree": "De meeste instemming krijgt ‘{label}’ ({value} (helemaal) mee eens).",
        "intro_text": "Dit rapport beschrijft de resultaten van het {title} {year}{municipality}. Klanten konden de vragenlijst op papier of online invullen; beide antwoorden zijn samengevoegd tot één bestand met één antwoord per respondent.",
        "intro_period": "Het onderzoek is uitgevoerd van {start} tot en met {end}.",
        "intro_response": "Er zijn {invited} klanten aangeschreven. Hiervan hebben er {responded} de vragenlijst ingevuld: {paper} op papier en {online} online. De respons is hiermee {rate}.",
        "intro_partial": "{partial} respondenten vulden de vragenlijst niet helemaal in; hun antwoorden tellen mee voor de vragen die zij beantwoordden.",
        "intro_reliability": "Bij {n} antwoorden is de marge van het algemene rapportcijfer ± {margin}: met 95% zekerheid ligt het werkelijke gemiddelde tussen {low} en {high}.",
        "intro_compare": "De resultaten worden vergeleken met {what}.",
        "intro_reading": "Leeswijzer. Rapportcijfers zijn gemiddelden op een schaal van 1 tot en met 10. Bij stellingen tonen we het percentage dat het (helemaal) eens is; antwoorden als ‘weet niet / n.v.t.’ tellen daarbij niet mee. Cijfers die op minder dan {k} antwoorden berusten, tonen we niet ({dash}). Een {up} of {down} bij een vergelijkingscijfer betekent dat het verschil met deze meting statistisch significant is.",
        "summary_response": "In totaal hebben {responded} klanten de vragenlijst ingevuld ({paper} op papier, {online} online). De respons is {rate}.",
        "summary_key": "Kerncijfers",
        "summary_changes": "Significante verschillen met de vorige meting",
        "summary_changes_intro": "Tabel {table} toont de onderdelen waarop deze meting significant hoger ({up}) of lager ({down}) scoort dan de vorige meting.",
        "summary_no_changes": "Geen van de rapportcijfers en stellingen verschilt significant van de vorige meting.",
        "response_table": "Respons naar wijze van uitnodigen",
        "response_mode_table": "Respons naar manier van invullen",
        "response_subgroup_table": "Respons per {by}",
        "response_compare_table": "Aantal respondenten",
        "subgroup_table": "Kerncijfers per {by}",
        "method_text": "De antwoorden op papier zijn met optische herkenning (OMR) gelezen; twijfelgevallen zijn door een medewerker beoordeeld. De online antwoorden komen uit LimeSurvey. Elke respondent heeft een willekeurige code (pseudoniem); namen en adressen zijn niet gekoppeld aan de antwoorden.",
        "method_duplicates": "Heeft iemand zowel op papier als online geantwoord, of online meer dan eens, dan telt één antwoord: een volledig ingevulde vragenlijst gaat voor een onvolledige, daarna telt de vroegste. Dit gold voor {n} respondenten.",
        "method_quality": "Bij de controle van de gegevens zijn {n} antwoorden niet meegeteld: {details}.",
        "method_quality_none": "Bij de controle van de gegevens zijn alle antwoorden geldig bevonden.",
        "method_review": "Voor {n} respondenten staan nog twijfelgevallen open in de controle; hun antwoorden zijn meegeteld zoals de herkenning ze las.",
        "method_stats": "Rapportcijfers: gemiddelde met een 95%-betrouwbaarheidsinterval volgens de t-verdeling. Percentages: 95%-interval volgens Wilson. Verschillen met de vorige meting en de referentiegroep zijn getoetst met een t-toets (gemiddelden) of z-toets (percentages), tweezijdig, 5% significantieniveau.",
        "quality_routing": "{n} antwoorden op vragen die volgens de routing overgeslagen hadden moeten worden",
        "quality_value": "{n} ongeldige codes",
        "quality_other": "{n} overige",
        "background_intro": "Deze bijlage beschrijft de respondenten aan de hand van enkele kenmerken.",
        "subgroup_intro": "De kerncijfers per {by}. Per regel tonen we alleen groepen met ten minste {k} antwoorden.",
        "generated": "Gemaakt met papersurvey op {date}.",
        "page": "pagina",
        "of": "van",
    },
    "en": {
        "report": "Report",
        "summary": "Summary",
        "introduction": "Introduction",
        "appendices": "Appendices",
        "appendix": "Appendix",
        "contents": "Contents",
        "response_appendix": "Response",
        "background_appendix": "Respondent characteristics",
        "subgroup_appendix": "Key figures by {by}",
        "method_appendix": "Method",
        "subgroup": "area",
        "figure": "Figure",
        "table": "Table",
        "this_round": "This round",
        "previous": "Previous round",
        "reference": "Reference group",
        "total": "Total",
        "n": "n",
        "mean": "Mean",
        "margin": "Margin",
        "agree": "% (strongly) agree",
        "share": "%",
        "answer": "Answer",
        "item": "Item",
        "statement": "Statement",
        "group": "Group",
        "invited": "Invited",
        "responded": "Responded",
        "paper": "Paper",
        "online": "Online",
        "rate": "Response %",
        "channel": "Invitation",
        "channel_email": "By e-mail",
        "channel_paper": "By letter",
        "channel_none": "Not invited",
        "mode_paper": "on paper",
        "mode_online": "online",
        "respondents": "Respondents",
        "agree_legend_dk": "excluding 'don't know / not applicable'",
        "note_hidden": "{dash} = fewer than {k} answers; not shown to protect privacy and because the figure would be too uncertain.",
        "note_secondary": "Sometimes a larger group is hidden too, so that a hidden figure cannot be derived from the total.",
        "note_sig": "(now {up}) / (now {down}) after a figure = this round scores significantly higher / lower than that figure (95% confidence).",
        "sig_marker": "(now {arrow})",
        "note_margin": "Margin: half the 95% confidence interval. With 95% confidence the true value lies within the score plus or minus the margin.",
        "note_routing": "These questions were only asked of respondents who answered ‘{question}’ with: {answers}.",
        "note_routing_generic": "These questions were only asked of some respondents.",
        "note_excluded": "Excluding the answers {answers}.",
        "note_open": "{n} respondents explained their answer to the open question ‘{question}’. The explanations are in the export, not in this report: they may contain personal data.",
        "note_open_hidden": "The explanations to ‘{question}’ are in the export, not in this report: they may contain personal data.",
        "note_open_quoted": "{n} respondents explained their answer to the open question ‘{question}’.",
        "quotes_intro": "Some explanations from the open answers:",
        "quote": "‘{text}’",
        "method_quotes": "The quotes from the open answers were chosen and anonymised by the researchers: names, phone numbers and other personal data were left out or replaced. The other open answers are not in this report.",
        "grades_fig": "Mean grades",
        "grade_fig": "Grade",
        "spread_fig": "Distribution of the grade",
        "agree_fig": "Statements: % (strongly) agree",
        "stacked_fig": "Statements: distribution of the answers",
        "dist_fig": "Distribution",
        "fail": "fail (1 to 5)",
        "pass": "pass (6 to 10)",
        "grade_axis": "Mean grade (1-10)",
        "percent_axis": "Percentage",
        "share_axis": "Percentage of respondents",
        "figures_intro_grades": "Figure {fig} shows the mean grades the respondents give.",
        "figures_intro_grade": "Figure {fig} shows the mean grade for ‘{label}’.",
        "figures_intro_agree": "The respondents were asked about the following statements. Figure {fig} shows the percentage who (strongly) agree, leaving out ‘don't know / not applicable’; figure {fig2} shows the distribution of all answers.",
        "sentence_grade": "The mean grade for ‘{label}’ is {value} (margin ± {margin}, n = {n}).",
        "sentence_fail": "{pct} of the respondents give a fail.",
        "cmp_higher": "significantly higher than {what} ({other})",
        "cmp_lower": "significantly lower than {what} ({other})",
        "cmp_same": "{what} ({other})",
        "cmp_sig": "That is {sig}.",
        "cmp_sig_same": "That is {sig}; the difference with {same} is not significant.",
        "cmp_only_same": "That does not differ significantly from {same}.",
        "the_previous": "the previous round",
        "the_reference": "the reference group",
        "and": "and",
        "or": "or",
        "hidden_sentence": "Too few answers (fewer than {k}) to show a figure for ‘{label}’.",
        "best_grade": "The highest grade goes to ‘{label}’ ({value}); the lowest to ‘{low_label}’ ({low_value}).",
        "highest_agree": "‘{label}’ gets the most agreement ({value} (strongly) agree).",
        "intro_text": "This report describes the results of the {title} {year}{municipality}. Clients could answer on paper or online; both are merged into one dataset with one response per respondent.",
        "intro_period": "The survey ran from {start} to {end}.",
        "intro_response": "{invited} clients were invited. {responded} of them answered: {paper} on paper and {online} online. The response rate is {rate}.",
        "intro_partial": "{partial} respondents did not finish the questionnaire; their answers count for the questions they answered.",
        "intro_reliability": "With {n} answers the margin of the overall grade is ± {margin}: with 95% confidence the true mean lies between {low} and {high}.",
        "intro_compare": "The results are compared with {what}.",
        "intro_reading": "How to read this report. Grades are means on a scale from 1 to 10. For statements we show the percentage who (strongly) agree; ‘don't know / not applicable’ is left out. Figures based on fewer than {k} answers are not shown ({dash}). A {up} or {down} next to a comparison figure means that the difference with this round is statistically significant.",
        "summary_response": "In total {responded} clients answered ({paper} on paper, {online} online). The response rate is {rate}.",
        "summary_key": "Key figures",
        "summary_changes": "Significant differences with the previous round",
        "summary_changes_intro": "Table {table} lists the items on which this round scores significantly higher ({up}) or lower ({down}) than the previous round.",
        "summary_no_changes": "None of the grades and statements differs significantly from the previous round.",
        "response_table": "Response by invitation",
        "response_mode_table": "Response by mode",
        "response_subgroup_table": "Response by {by}",
        "response_compare_table": "Number of respondents",
        "subgroup_table": "Key figures by {by}",
        "method_text": "Paper answers were read by optical mark recognition (OMR); uncertain marks were checked by an operator. Online answers come from LimeSurvey. Each respondent has a random code (pseudonym); names and addresses are not linked to the answers.",
        "method_duplicates": "When someone answered both on paper and online, or online more than once, one response counts: a complete questionnaire wins over an incomplete one, then the earliest. This applied to {n} respondents.",
        "method_quality": "Checking the data left out {n} answers: {details}.",
        "method_quality_none": "Checking the data found every answer valid.",
        "method_review": "For {n} respondents uncertain marks are still open for review; their answers count as read by the machine.",
        "method_stats": "Grades: mean with a 95% confidence interval from the t distribution. Percentages: 95% Wilson interval. Differences with the previous round and the reference group are tested with a t-test (means) or z-test (percentages), two-sided, 5% significance.",
        "quality_routing": "{n} answers to questions the routing should have skipped",
        "quality_value": "{n} invalid codes",
        "quality_other": "{n} other",
        "background_intro": "This appendix describes the respondents by a few characteristics.",
        "subgroup_intro": "The key figures by {by}. Each row shows only groups with at least {k} answers.",
        "generated": "Made with papersurvey on {date}.",
        "page": "page",
        "of": "of",
    },
}


class Texts:
    """The texts and number formats of one language."""

    def __init__(self, language: str = "nl") -> None:
        if language not in _TEXTS:
            raise ValueError(f"unknown report language {language!r}; use {' or '.join(LANGUAGES)}")
        self.language = language
        self._t = _TEXTS[language]

    def __call__(self, key: str, **values: object) -> str:
        return self._t[key].format(dash=DASH, up=UP, down=DOWN, **values)

    def number(self, x: float | None, decimals: int = 1) -> str:
        """``7,4`` (nl) or ``7.4`` (en); a dash when unknown."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return DASH
        text = f"{x:,.{decimals}f}"
        if self.language == "nl":
            text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        return text

    def integer(self, x: int | None) -> str:
        """``2.724`` (nl) or ``2,724`` (en)."""
        return DASH if x is None else self.number(float(x), 0)

    def percent(self, p: float | None, decimals: int = 0) -> str:
        """``22%`` from 0.22."""
        if p is None or (isinstance(p, float) and math.isnan(p)):
            return DASH
        return f"{self.number(100.0 * p, decimals)}%"

    def join(self, items: list[str]) -> str:
        """``a, b en c``."""
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self('and')} {items[-1]}"
