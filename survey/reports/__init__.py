"""Individual reports (order No. 260, appendices 7 and 8).

``model`` builds one plain report per assessee from the results; ``individual`` renders it as
HTML, ``pdf`` as an A4 PDF, ``bundle`` many of them as a ZIP; ``radar`` and ``bars`` draw the
charts, ``insights`` holds the thresholds beyond the form (blind spots, agreement, least-developed
competencies), ``advice`` loads the development advice (``survey/reports/data/indicators.yaml``) and
``links`` signs the assessee's personal link.
"""
