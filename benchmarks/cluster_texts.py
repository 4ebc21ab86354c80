"""Short issue statements (fictional) labelled by issue, for the clustering benchmark.

Several issues share a production system (food waste, farmworker wages and soil health are all
"food"), some are in Spanish, and lengths vary from two words to a sentence, like real answers.
"""

from __future__ import annotations

ISSUE_TEXTS: dict[str, list[str]] = {
    "food_waste": [
        "Food waste",
        "Desperdicio de alimentos",
        "Supermarkets throw away edible food every night",
        "Rescuing surplus food from shops and redistributing it as meals",
        "Household food waste in social housing",
        "Reducir el desperdicio de comida en los mercados",
    ],
    "farmworker_wages": [
        "Farmworker wages",
        "Low pay and wage theft for seasonal farm labourers",
        "Salarios justos para los jornaleros agrícolas",
        "Migrant harvest workers are paid below the minimum wage",
        "Fair pay for farm workers",
    ],
    "soil": [
        "Soil degradation on farms",
        "Regenerative farming to restore soil health",
        "Farmers losing topsoil to erosion and over-tilling",
        "Degradación del suelo agrícola",
    ],
    "youth_mental_health": [
        "Youth mental health",
        "Teenagers wait months for a counselling appointment",
        "Anxiety and depression among secondary school students",
        "Salud mental de los jóvenes",
        "Young people in crisis have nowhere to turn",
    ],
    "energy_poverty": [
        "Energy poverty",
        "Families cannot afford to heat their homes in winter",
        "Pobreza energética en los hogares",
        "Cold, damp homes and unpaid electricity bills",
        "Households cut off from electricity for unpaid bills",
    ],
    "homelessness": [
        "Homelessness",
        "People sleeping rough in the city centre",
        "Personas sin hogar durmiendo en la calle",
        "Lack of emergency shelter beds for homeless people",
    ],
    "river_pollution": [
        "River pollution",
        "Sewage overflows into the river after heavy rain",
        "Contaminación del río por vertidos industriales",
        "Chemical runoff poisoning the river fish",
    ],
    "elderly_loneliness": [
        "Loneliness among older people",
        "Elderly people living alone with no visitors",
        "Soledad de las personas mayores",
        "Isolated pensioners who rarely talk to anyone",
    ],
}
