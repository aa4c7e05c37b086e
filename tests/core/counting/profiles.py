"""Named ballot profiles: small elections whose results are known from a published source."""

# Wikipedia, "Single transferable vote", section "Example" (food election): 20 voters,
# 3 seats, Droop quota 6. Stages: Chocolate elected on 12, surplus 6 goes 4 to
# Strawberries and 2 to Sweets; Pears excluded, 2 to Oranges, who reach the quota; Sweets
# excluded; Strawberries elected. Winners Chocolate, Oranges, Strawberries.
FOOD_BLT = """5 3
4 1 0
2 2 1 0
8 3 4 0
4 3 5 0
1 4 0
1 5 0
0
"Oranges"
"Pears"
"Chocolate"
"Strawberries"
"Sweets"
"Food election"
"""
FOOD_STAGES = [
    {"Oranges": 4, "Pears": 2, "Chocolate": 12, "Strawberries": 1, "Sweets": 1},
    {"Oranges": 4, "Pears": 2, "Chocolate": 6, "Strawberries": 5, "Sweets": 3},
    {"Oranges": 6, "Chocolate": 6, "Strawberries": 5, "Sweets": 3},
    {"Oranges": 6, "Chocolate": 6, "Strawberries": 5},
]

# Wikipedia, "Counting single transferable votes", example: 57 voters, 2 seats, quota 20.
# Andrea 40 first preferences, elected with a surplus of 20: 8 to Brad, 12 to Carter.
# Brad is excluded; his votes go to Carter, who reaches 20 and fills the second seat.
ANDREA_BLT = """4 2
16 1 2 3 4 0
24 1 3 2 4 0
17 4 1 2 3 0
0
"Andrea"
"Brad"
"Carter"
"Delilah"
"Counting STV example"
"""
ANDREA_STAGES = [
    {"Andrea": 40, "Brad": 0, "Carter": 0, "Delilah": 17},
    {"Andrea": 20, "Brad": 8, "Carter": 12, "Delilah": 17},
    {"Andrea": 20, "Carter": 20, "Delilah": 17},
]
