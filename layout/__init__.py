"""Questionnaire and letter rendering: the questionnaire model -> print-ready PDF pages + form map."""
