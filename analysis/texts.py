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
"""After this round's figure: significantly higher / lower than the previous round."""
REF_UP, REF_DOWN = "\u25b3", "\u25bd"
"""After this round's figure: significantly higher / lower than the reference group."""
INDICATIVE = "*"
"""After a figure on fewer answers than ``analysis.reliable_n``: *indicatief*."""


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
        "agree_legend_dk": "exclusief ‘weet niet / n.v.t.’",
        "note_hidden": "{dash} = minder dan {k} antwoorden, of een percentage van minder dan {k} personen; niet getoond ter bescherming van de privacy en omdat het resultaat dan te onzeker is.",
        "note_secondary": "Soms is ook een groep met meer antwoorden niet getoond, zodat een verborgen cijfer niet uit het totaal kan worden afgeleid.",
        "note_sig": "Achter het cijfer van deze meting: {sides} (95% betrouwbaarheid, gecorrigeerd voor het aantal vergelijkingen in het hoofdstuk volgens Holm).",
        "note_sig_side": "{higher} / {lower} = significant hoger / lager dan {what}",
        "note_margin": "Marge en interval: met 95% zekerheid ligt de werkelijke waarde in de hele groep klanten binnen de marge rond de score, of binnen het interval. Ze houden rekening met de omvang van de groep die is aangeschreven (eindige-populatiecorrectie).",
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
        "sentence_fail": "Van de respondenten geeft {pct} een onvoldoende.",
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
        "intro_partial": "Van de respondenten vulden er {partial} de vragenlijst niet helemaal in; hun antwoorden tellen mee voor de vragen die zij beantwoordden.",
        "intro_reliability": "Bij {n} antwoorden is de marge van het algemene rapportcijfer ± {margin}: met 95% zekerheid ligt het werkelijke gemiddelde tussen {low} en {high}.",
        "intro_compare": "De resultaten worden vergeleken met {what}.",
        "intro_reading": "Leeswijzer. Rapportcijfers zijn gemiddelden op een schaal van 1 tot en met 10. Bij stellingen tonen we het percentage dat het (helemaal) eens is; antwoorden als ‘weet niet / n.v.t.’ tellen daarbij niet mee. Cijfers die op minder dan {k} antwoorden berusten, tonen we niet ({dash}). Een {up} of {down} achter een cijfer van deze meting betekent dat deze meting statistisch significant hoger of lager scoort dan de vorige meting; {ref_up} of {ref_down}: dan de referentiegroep.",
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
        "method_stats": "Rapportcijfers: gemiddelde met een 95%-betrouwbaarheidsinterval volgens de t-verdeling. Percentages: 95%-interval volgens Wilson; dat interval is niet symmetrisch en staat daarom als van–tot in de tabellen. Beide houden rekening met de omvang van de populatie ({population} klanten; eindige-populatiecorrectie). Verschillen met de vorige meting en de referentiegroep zijn tweezijdig getoetst: gemiddelden met de t-toets van Welch (of tegen een vast getal), percentages met de chi-kwadraattoets, bij kleine aantallen met de exacte toets van Fisher (of de exacte binomiale toets tegen een vast percentage). Omdat in één hoofdstuk veel verschillen worden getoetst, zijn de overschrijdingskansen per hoofdstuk gecorrigeerd volgens Holm; een verschil heet significant als de gecorrigeerde kans kleiner is dan 5%.",
        "quality_routing": "{n} antwoorden op vragen die volgens de routing overgeslagen hadden moeten worden",
        "quality_value": "{n} ongeldige codes",
        "quality_other": "{n} overige",
        "background_intro": "Deze bijlage beschrijft de respondenten aan de hand van enkele kenmerken.",
        "subgroup_intro": "De kerncijfers per {by}. Per regel tonen we alleen groepen met ten minste {k} antwoorden.",
        "generated": "Gemaakt met papersurvey op {date}.",
        "page": "pagina",
        "of": "van",
        "interval": "95%-interval",
        "to": "tot",
        "pp": "{value} procentpunt",
        "difference": "Verschil",
        "indicator": "Cijfer",
        "no_figure_symbol": "n.b.",
        "note_indicative": "{star} = indicatief: gebaseerd op minder dan {n} antwoorden; de werkelijke waarde kan flink afwijken.",
        "note_no_figure": "{none} = geen vergelijkingscijfer beschikbaar.",
        "top_intro": "Klanten konden één punt kiezen. Tabel {table} toont de {n} meest gekozen punten{against}.",
        "top_against": ", naast de referentiegroep",
        "top_excluded": "Het antwoord ‘{other}’ staat niet in de lijst.",
        "top_caption": "De {n} meest gekozen antwoorden: {label}",
        "top_sentence": "Het meest gekozen is ‘{first}’ ({pct}).",
        "nps_caption": "Net Promoter Score: {label}",
        "nps_sentence": "De Net Promoter Score voor ‘{label}’ is {value}: {promoters} van de respondenten geeft een 9 of 10 (promotors) en {detractors} een 0 tot en met 6 (criticasters).",
        "nps": "NPS",
        "promoters": "% promotors (9-10)",
        "detractors": "% criticasters (0-6)",
        "ces_caption": "Customer Effort Score: {label}",
        "ces_sentence_agree": "De Customer Effort Score (CES) voor ‘{label}’ is {value}: zoveel respondenten vinden het (heel) makkelijk.",
        "ces_sentence_mean": "De Customer Effort Score (CES) voor ‘{label}’ is {value} (het gemiddelde van de antwoordcodes).",
        "ces_sentence_net": "De Customer Effort Score (CES) voor ‘{label}’ is {value}: het percentage dat het makkelijk vindt min het percentage dat het moeilijk vindt.",
        "sentence_fail_cmp": "Van de respondenten geeft {pct} een onvoldoende ({cmp}).",
        "fail_same": "{what} {other}, geen significant verschil",
        "fail_higher": "{what} {other}, significant meer",
        "fail_lower": "{what} {other}, significant minder",
        "verdict_higher": "hoger dan {what}",
        "verdict_lower": "lager dan {what}",
        "verdict_same": "gelijk aan {what}",
        "summary_verdict": "Het rapportcijfer voor ‘{label}’ is een {value}: {verdicts}.",
        "summary_chapter": "{chapter}: {parts}.",
        "summary_part_higher": "op {n} van de {total} onderdelen hoger dan {what}, op de andere gelijk",
        "summary_part_lower": "op {n} van de {total} onderdelen lager dan {what}, op de andere gelijk",
        "summary_part_both": "op {up} van de {total} onderdelen hoger dan {what} en op {down} lager",
        "summary_part_same": "op alle {total} onderdelen gelijk aan {what}",
        "summary_part_all_higher": "op alle {total} onderdelen hoger dan {what}",
        "summary_part_all_lower": "op alle {total} onderdelen lager dan {what}",
        "summary_chapters": "Per hoofdstuk",
        "summary_indicative": "Resultaten met een {star} berusten op minder dan {n} antwoorden en zijn indicatief.",
        "trend_appendix": "Trend",
        "trend_intro": "Deze bijlage toont de kerncijfers van deze meting naast die van de eerdere metingen ({rounds}).",
        "trend_caption": "Trend: {indicator}",
        "trend_fig": "Trend van de rapportcijfers",
        "reference_who": "De referentiegroep bestaat uit {n} respondenten.",
        "reference_who_unknown": "Van de referentiegroep zijn alleen de cijfers per vraag bekend, niet het aantal respondenten.",
        "reference_who_named": "De referentiegroep ‘{label}’ bestaat uit {n} respondenten.",
        "reference_who_unknown_named": "Van de referentiegroep ‘{label}’ zijn alleen de cijfers per vraag bekend, niet het aantal respondenten.",
        "sample_size_method": "Voor betrouwbare resultaten (95% betrouwbaarheid, 5% foutmarge) zijn bij een populatie van {population} klanten {needed} antwoorden nodig. Deze meting heeft {responded} antwoorden: {verdict} De foutmarge van een percentage van 50% is hiermee {margin}.",
        "sample_size_met": "dat is voldoende.",
        "sample_size_short": "dat is minder, dus de resultaten zijn indicatiever dan beoogd.",
        "open_review_cover": "Voorlopig: {n} twijfelgevallen staan nog open",
        "method_open_review": "Let op: dit rapport is gemaakt terwijl er nog {n} twijfelgevallen of open antwoorden in de controle openstonden, bij {people} respondenten. Hun antwoorden tellen mee zoals de herkenning ze las; een vraag die nog in de controle staat telt niet mee, en vragen die daarvan afhangen ook niet.",
        "fieldwork": "Veldwerk {start} tot en met {end}",
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
        "note_hidden": "{dash} = fewer than {k} answers, or a percentage of fewer than {k} people; not shown to protect privacy and because the figure would be too uncertain.",
        "note_secondary": "Sometimes a larger group is hidden too, so that a hidden figure cannot be derived from the total.",
        "note_sig": "After this round's figure: {sides} (95% confidence, corrected for the number of comparisons in the chapter by Holm's method).",
        "note_sig_side": "{higher} / {lower} = significantly higher / lower than {what}",
        "note_margin": "Margin and interval: with 95% confidence the true value for all clients lies within the margin around the score, or within the interval. They take the size of the invited group into account (finite population correction).",
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
        "sentence_fail": "Of the respondents, {pct} give a fail.",
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
        "intro_reading": "How to read this report. Grades are means on a scale from 1 to 10. For statements we show the percentage who (strongly) agree; ‘don't know / not applicable’ is left out. Figures based on fewer than {k} answers are not shown ({dash}). A {up} or {down} after a figure of this round means that this round scores statistically significantly higher or lower than the previous round; {ref_up} or {ref_down}: than the reference group.",
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
        "method_stats": "Grades: mean with a 95% confidence interval from the t distribution. Percentages: 95% Wilson interval; it is not symmetric, so tables show it as a range. Both take the size of the population into account ({population} clients; finite population correction). Differences with the previous round and the reference group are tested two-sided: means with Welch's t-test (or against a fixed number), percentages with the chi-squared test, or Fisher's exact test for small counts (the exact binomial test against a fixed percentage). Because a chapter tests many differences, the p-values are corrected per chapter by Holm's method; a difference is called significant when the corrected p-value is below 5%.",
        "quality_routing": "{n} answers to questions the routing should have skipped",
        "quality_value": "{n} invalid codes",
        "quality_other": "{n} other",
        "background_intro": "This appendix describes the respondents by a few characteristics.",
        "subgroup_intro": "The key figures by {by}. Each row shows only groups with at least {k} answers.",
        "generated": "Made with papersurvey on {date}.",
        "page": "page",
        "of": "of",
        "interval": "95% interval",
        "to": "to",
        "pp": "{value} percentage points",
        "difference": "Difference",
        "indicator": "Figure",
        "no_figure_symbol": "n/a",
        "note_indicative": "{star} = indicative: based on fewer than {n} answers; the true value may differ considerably.",
        "note_no_figure": "{none} = no comparison figure available.",
        "top_intro": "Clients could choose one point. Table {table} shows the {n} points chosen most{against}.",
        "top_against": ", next to the reference group",
        "top_excluded": "The answer ‘{other}’ is not in the list.",
        "top_caption": "The {n} answers chosen most: {label}",
        "top_sentence": "Chosen most is ‘{first}’ ({pct}).",
        "nps_caption": "Net Promoter Score: {label}",
        "nps_sentence": "The Net Promoter Score for ‘{label}’ is {value}: {promoters} of the respondents give 9 or 10 (promoters) and {detractors} give 0 to 6 (detractors).",
        "nps": "NPS",
        "promoters": "% promoters (9-10)",
        "detractors": "% detractors (0-6)",
        "ces_caption": "Customer Effort Score: {label}",
        "ces_sentence_agree": "The Customer Effort Score (CES) for ‘{label}’ is {value}: that many respondents find it (very) easy.",
        "ces_sentence_mean": "The Customer Effort Score (CES) for ‘{label}’ is {value} (the mean of the answer codes).",
        "ces_sentence_net": "The Customer Effort Score (CES) for ‘{label}’ is {value}: the percentage finding it easy minus the percentage finding it difficult.",
        "sentence_fail_cmp": "Of the respondents, {pct} give a fail ({cmp}).",
        "fail_same": "{what} {other}, no significant difference",
        "fail_higher": "{what} {other}, significantly more",
        "fail_lower": "{what} {other}, significantly fewer",
        "verdict_higher": "higher than {what}",
        "verdict_lower": "lower than {what}",
        "verdict_same": "equal to {what}",
        "summary_verdict": "The grade for ‘{label}’ is {value}: {verdicts}.",
        "summary_chapter": "{chapter}: {parts}.",
        "summary_part_higher": "higher than {what} on {n} of {total} items, equal on the others",
        "summary_part_lower": "lower than {what} on {n} of {total} items, equal on the others",
        "summary_part_both": "higher than {what} on {up} of {total} items and lower on {down}",
        "summary_part_same": "equal to {what} on all {total} items",
        "summary_part_all_higher": "higher than {what} on all {total} items",
        "summary_part_all_lower": "lower than {what} on all {total} items",
        "summary_chapters": "By chapter",
        "summary_indicative": "Results marked {star} rest on fewer than {n} answers and are indicative.",
        "trend_appendix": "Trend",
        "trend_intro": "This appendix shows this round's key figures next to those of the earlier rounds ({rounds}).",
        "trend_caption": "Trend: {indicator}",
        "trend_fig": "Trend of the grades",
        "reference_who": "The reference group consists of {n} respondents.",
        "reference_who_unknown": "Of the reference group only the figures per question are known, not the number of respondents.",
        "reference_who_named": "The reference group ‘{label}’ consists of {n} respondents.",
        "reference_who_unknown_named": "Of the reference group ‘{label}’ only the figures per question are known, not the number of respondents.",
        "sample_size_method": "For reliable results (95% confidence, 5% margin of error) a population of {population} clients needs {needed} answers. This round has {responded} answers: {verdict} The margin of error of a percentage of 50% is therefore {margin}.",
        "sample_size_met": "that is enough.",
        "sample_size_short": "that is fewer, so the results are more indicative than intended.",
        "open_review_cover": "Provisional: {n} review items are still open",
        "method_open_review": "Note: this report was made while {n} review items or open answers were still open, for {people} respondents. Their answers count as the machine read them; a question still under review does not count, nor do the questions that depend on it.",
        "fieldwork": "Fieldwork {start} to {end}",
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
        return self._t[key].format(
            dash=DASH, up=UP, down=DOWN, ref_up=REF_UP, ref_down=REF_DOWN, **values
        )

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

    def signed(self, x: float, decimals: int = 1) -> str:
        """``+0,4`` / ``-1,2`` (a difference of means); ``0,0`` without a sign."""
        text = self.number(x, decimals)
        if text.lstrip("-").replace("0", "").strip(",.") == "":
            return self.number(0.0, decimals)
        return text if text.startswith("-") else f"+{text}"

    def points(self, x: float | None) -> str:
        """A net score from -1..1 as points: ``+12``, ``-5``, ``0``."""
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return DASH
        return self.signed(100.0 * x, 0)

    @property
    def no_figure(self) -> str:
        """What a cell shows when the comparison source has no figure."""
        return self("no_figure_symbol")

    def join(self, items: list[str]) -> str:
        """``a, b en c``."""
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self('and')} {items[-1]}"
