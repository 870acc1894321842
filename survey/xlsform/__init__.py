"""The XLSForm-style questionnaire workbook: reading, checking and writing it.

One job per module, in the order a workbook is read:

* :mod:`~survey.xlsform.files`: find the sheets in an ``.xlsx`` file or a CSV folder;
* :mod:`~survey.xlsform.cells` and :mod:`~survey.xlsform.sheets`: cells and tables;
* :mod:`~survey.xlsform.build`: settings and choices, then the model;
* :mod:`~survey.xlsform.survey_sheet`: the ``survey`` sheet, row by row;
* :mod:`~survey.xlsform.checks` and :mod:`~survey.xlsform.condition_checks`:
  what counts as a problem;
* :mod:`~survey.xlsform.messages`: the words of every problem;
* :mod:`~survey.xlsform.writer`: a questionnaire back to a workbook.

The public entry point is :mod:`survey.questionnaire` (``load_questionnaire``);
the rules and messages are imported from the module that holds them.
"""
