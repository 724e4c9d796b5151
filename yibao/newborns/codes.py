"""The names the 婴幼儿备案 shares with the hall: its application type and business item."""

INFANT_FILING = "infant-filing"  # the application type's code and the business item's
