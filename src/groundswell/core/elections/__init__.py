"""Election arithmetic: party codes, constituency results, majorities, swings and targets."""
