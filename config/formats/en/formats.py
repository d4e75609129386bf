# English dates people cannot misread (a network in China reads "12/03" as 12 March): "3 Dec 2026",
# ISO in tables, a 24-hour clock as on the Chinese pages.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
FIRST_DAY_OF_WEEK = 1  # Monday, as in China
