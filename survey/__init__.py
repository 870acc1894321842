"""The shared domain of papersurvey.

Every other part imports from here: the questionnaire model, the form map,
pseudonyms and page codes, the project folder, the store and the one error
hierarchy. Nothing in ``survey`` imports another papersurvey package.
"""
