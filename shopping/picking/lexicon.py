"""The words the guidance reader and the picker know: attributes, allergens, categories, brands."""

import re
from decimal import Decimal


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STORE_BRANDS = (
    "kroger",
    "simple truth organic",
    "simple truth",
    "private selection",
    "heritage farm",
    "psst",
)
ATTRIBUTES = {
    "organic": ("organic",),
    "free-range": ("free range",),
    "cage-free": ("cage free",),
    "pasture-raised": ("pasture raised",),
    "grass-fed": ("grass fed",),
    "unsalted": ("unsalted", "salt free", "no salt"),
    "gluten-free": ("gluten free",),
    "lactose-free": ("lactose free",),
    "dairy-free": ("dairy free", "non dairy"),
    "sugar-free": ("sugar free", "no sugar added", "zero sugar"),
    "unsweetened": ("unsweetened",),
    "whole grain": ("whole grain", "whole wheat", "wholegrain"),
    "whole": ("whole milk", "vitamin d"),
    "2%": ("2%", "2 percent", "reduced fat"),
    "1%": ("1%", "lowfat", "low fat"),
    "skim": ("skim", "fat free", "nonfat"),
    "low-sodium": ("low sodium", "reduced sodium"),
    "non-gmo": ("non gmo",),
    "wild-caught": ("wild caught",),
    "boneless": ("boneless",),
    "skinless": ("skinless",),
    "decaf": ("decaf", "decaffeinated"),
    "vegan": ("vegan", "plant based"),
    "plain": ("plain",),
    "extra virgin": ("extra virgin",),
    "fair trade": ("fair trade",),
    "antibiotic-free": ("no antibiotics", "antibiotic free", "raised without antibiotics"),
    "kosher": ("kosher",),
    "ripe": ("ripe",),
}
# Ingredients and allergens a product must not contain, and the words that give them away.
EXCLUSIONS = {
    "peanuts": ("peanut",),
    "nuts": ("nut", "peanut", "almond", "cashew", "walnut", "pecan", "hazelnut", "pistachio", "macadamia"),
    "pork": ("pork", "bacon", "ham", "prosciutto", "pepperoni", "chorizo", "salami"),
    "beef": ("beef", "steak"),
    "shellfish": ("shellfish", "shrimp", "crab", "lobster", "clam", "scallop", "oyster", "mussel"),
    "fish": ("fish", "salmon", "tuna", "cod", "tilapia", "anchovy"),
    "soy": ("soy", "tofu", "edamame"),
    "eggs": ("egg",),
    "sesame": ("sesame", "tahini"),
    "corn syrup": ("corn syrup",),
    "alcohol": ("wine", "beer", "vodka", "rum", "whiskey", "bourbon", "liquor", "hard seltzer"),
    "meat": (
        "beef",
        "pork",
        "chicken",
        "turkey",
        "bacon",
        "ham",
        "sausage",
        "steak",
        "lamb",
        "veal",
        "pepperoni",
    ),
    "artificial sweeteners": ("aspartame", "sucralose", "saccharin", "splenda"),
    "palm oil": ("palm oil",),
}
EXCLUSION_ALIASES = {
    "peanut": "peanuts",
    "nut": "nuts",
    "tree nut": "nuts",
    "tree nuts": "nuts",
    "egg": "eggs",
    "bacon": "pork",
    "ham": "pork",
    "seafood": "shellfish",
    "hfcs": "corn syrup",
    "high fructose corn syrup": "corn syrup",
    "booze": "alcohol",
    "sweeteners": "artificial sweeteners",
}
DIET_EXCLUSIONS = {
    "vegetarian": ("meat",),
    "vegan": ("meat", "eggs"),
    "halal": ("pork", "alcohol"),
    "kosher": ("pork", "shellfish"),
}
# Term categories guidance may name instead of items ("free-range poultry", "store brand for staples").
CATEGORIES = {
    "poultry": ("chicken", "turkey"),
    "meat": ("beef", "pork", "chicken", "turkey", "bacon", "sausage", "steak", "ham", "lamb"),
    "dairy": ("milk", "cheese", "yogurt", "butter", "cream", "sour cream", "cottage cheese"),
    "staples": ("milk", "egg", "bread", "butter", "rice", "pasta", "flour", "sugar", "salt", "oil", "cereal"),
    "produce": ("apple", "banana", "orange", "lettuce", "tomato", "onion", "potato", "carrot", "spinach"),
    "fruit": ("apple", "banana", "orange", "grape", "strawberry", "blueberry", "lemon", "lime", "pear"),
    "vegetable": ("lettuce", "tomato", "onion", "potato", "carrot", "spinach", "broccoli", "pepper"),
    "veggie": ("lettuce", "tomato", "onion", "potato", "carrot", "spinach", "broccoli", "pepper"),
    "seafood": ("fish", "salmon", "shrimp", "tuna", "cod", "tilapia"),
    "bakery": ("bread", "bagel", "bun", "roll", "muffin", "tortilla"),
    "snack": ("chip", "cracker", "cookie", "pretzel", "popcorn"),
    "drink": ("juice", "soda", "water", "coffee", "tea"),
    "beverage": ("juice", "soda", "water", "coffee", "tea"),
}
STOPWORDS = word_set(
    "we i our us my always usually generally prefer preferred like love buy get want use choose pick "
    "please the a an for of and or in on with is are be it its it's that this these those when where "
    "whenever possible available whatever everything anything things stuff items item products product "
    "ones one brand brands size sizes option options kind kinds type types fine ok okay good great "
    "better best only just also too very really much more most than to if but at by from as so all any "
    "every each should must need needs go buying getting picking choose free allergic allergy allergies "
    "avoid never not don't dont without skip hate dislike none keep eat contain contains containing "
    "unless matter care doesn't preference whenever can could would get "
)

NEGATION = r"(?:no|not|never|avoid|without|skip|don't|dont|do not|hate|dislike|none of|anything but)"
INDIFFERENCE = re.compile(
    r"(?:doesn'?t|does not|don'?t|do not)\s+(?:matter|care)|no preference|either way|not important"
)
STRONG = re.compile(r"\b(?:only|always|must|never|strictly|has to be|have to be)\b")
MONEY = re.compile(
    r"\$\s*(\d+(?:\.\d{1,2})?)|(\d+(?:\.\d{1,2})?)\s*(?:dollars?|bucks)|(\d{1,2})\s*(?:cents|¢)"
)
SIZE_TARGETS = {
    "half gallon": (Decimal(64), "volume"),
    "gallon": (Decimal(128), "volume"),
    "quart": (Decimal(32), "volume"),
    "dozen": (Decimal(12), "count"),
    "18 ct": (Decimal(18), "count"),
    "18 count": (Decimal(18), "count"),
    "pound": (Decimal(16), "weight"),
    "1 lb": (Decimal(16), "weight"),
    "5 lb": (Decimal(80), "weight"),
}
