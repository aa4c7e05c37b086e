"""Geography: great-circle distances, nearest target seats, addresses."""
