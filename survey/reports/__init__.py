"""Individual reports (order No. 260, appendices 7 and 8): the radar chart and the report page."""
