"""Italian date formats: "6 maggio 2019", "6 maggio 2019, 14:30" (Django's: "06 Maggio 2019",
"Lunedì 06 Maggio 2019 14:30"). Formats not set here are Django's."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
