"""The words the guidance reader and the picker know: brands, attributes, exclusions, shorthand.

Everything here is lower case and already in `shopping.text.normalize` form; matching is on
whole words. Extend these tables rather than adding special cases to the code.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


STORE_BRANDS = (
    "kroger",
    "simple truth organic",
    "simple truth",
    "private selection",
    "heritage farm",
    "home sense",
    "psst",
    "comforts",
    "big k",
)
# National brands a household may name. Kroger's own results add the rest at pick time.
KNOWN_BRANDS = frozenset(
    line.strip()
    for line in (Path(__file__).resolve().parent / "data" / "brands.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
)
# What households call a brand, as Kroger's `brand` field names it.
BRAND_ALIASES = {"coke": "coca cola", "dave's": "dave's killer bread"}
# Flavours: a product in one is another kind for a line that names none ("Honey Nut" Cheerios).
FLAVOURS = (
    "nacho", "ranch", "barbecue", "bbq", "sour cream and onion", "salt and vinegar", "jalapeno",
    "chili lime", "cinnamon", "cookies and cream", "caramel", "maple", "french vanilla", "vanilla",
    "strawberry", "blueberry", "raspberry", "peach", "cherry", "mixed berry", "lemon", "honey",
    "coconut", "mango", "key lime", "black cherry",
)  # fmt: skip
ATTRIBUTES = {
    "diet": ("diet", "zero sugar", "zero calorie"),
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
    "parmigiano reggiano": ("parmigiano reggiano",),
    "fair trade": ("fair trade",),
    "antibiotic-free": ("no antibiotics", "antibiotic free", "raised without antibiotics"),
    "kosher": ("kosher",),
    "whole bean": ("whole bean",),
    "lean": ("lean",),
    "salted": ("salted",),
    "white": ("white",),
    "sourdough": ("sourdough",),
    "multigrain": ("multigrain", "multi grain"),
    "rye": ("rye",),
    "mild": ("mild",),
    "medium": ("medium",),
    "sharp": ("sharp",),
    "extra sharp": ("extra sharp",),
    "ground": ("ground",),
    "no pulp": ("no pulp", "pulp free"),
    "some pulp": ("some pulp",),
    "lots of pulp": ("lots of pulp", "with pulp"),
    **{flavour: (flavour,) for flavour in FLAVOURS},
}
# Attributes of which a product has at most one: a line naming one overrides guidance naming another.
EXCLUSIVE_GROUPS: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    # (values, the products they are about; empty: any product)
    (frozenset({"whole", "2%", "1%", "skim"}), frozenset({"milk"})),
    (frozenset({"mild", "medium", "sharp", "extra sharp"}), frozenset({"cheddar", "cheese"})),
    (frozenset({"white", "whole grain", "sourdough", "multigrain", "rye", "potato"}), frozenset({"bread"})),
    (frozenset({"plain", *FLAVOURS}), frozenset()),
)
# Kinds with a usual default (salted butter, juice as it comes): not worth asking about, but a
# different one is still a substitute when the one the household named is out of stock.
SUBSTITUTE_GROUPS: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (frozenset({"salted", "unsalted"}), frozenset({"butter"})),
    (frozenset({"no pulp", "some pulp", "lots of pulp"}), frozenset({"juice"})),
)


@dataclass(frozen=True)
class Exclusion:
    """Something a household never buys, and how a product gives it away."""

    label: str  # how the reason says it: "Contains peanuts"
    allergens: tuple[str, ...] = ()  # Kroger `allergens[].name` values (normalised, singular)
    words: tuple[str, ...] = ()  # in the product's name or ingredient statement
    not_when: tuple[str, ...] = ()  # phrases that use a word without containing it ("peanut butter")
    includes: tuple[str, ...] = ()  # other exclusion keys it implies ("nuts" -> peanuts, tree nuts)
    # Name words that say the product is something else ("Turkey Bacon", "Beef Sausage"): with one
    # of them in the name, the name alone no longer gives the exclusion away (the data still may).
    other_kinds: tuple[str, ...] = ()


_TREE_NUTS = ("almond", "cashew", "walnut", "pecan", "pistachio", "hazelnut", "macadamia", "brazil nut",
              "pine nut", "praline", "marzipan", "nutella", "tree nut", "mixed nut", "pesto", "filbert",
              "trail mix")  # fmt: skip
_PORK = ("pork", "bacon", "ham", "prosciutto", "pancetta", "pepperoni", "chorizo", "salami", "lard",
         "gelatin", "sausage", "bratwurst", "kielbasa", "pork rind", "spam", "canadian bacon")  # fmt: skip
_NOT_PORK = ("plant based", "vegan", "veggie", "meatless", "vegetarian", "pork free")  # fmt: skip
_DAIRY_FRIENDS = ("almond milk", "oat milk", "coconut milk", "soy milk", "rice milk", "cashew milk",
                  "peanut butter", "almond butter", "apple butter", "cocoa butter", "shea butter",
                  "nut butter", "sunflower butter", "seed butter", "cookie butter", "cream of tartar",
                  "dairy free", "non dairy", "coconut cream", "cream soda", "milk thistle", "plant based",
                  "vegan", "butternut", "butter bean", "milkweed", "cashew cream")  # fmt: skip
EXCLUSIONS: dict[str, Exclusion] = {
    "peanuts": Exclusion(
        "peanuts", ("peanut",), ("peanut", "groundnut", "arachis", "trail mix", "mixed nut")
    ),
    "tree nuts": Exclusion(
        "tree nuts",
        ("tree nut", "almond", "cashew", "walnut", "pecan", "hazelnut"),
        _TREE_NUTS,
        ("nutmeg", "butternut", "water chestnut", "doughnut", "coconut"),
    ),
    "nuts": Exclusion(
        "nuts",
        (),
        ("nut",),
        ("nutmeg", "butternut", "water chestnut", "doughnut", "coconut", "nut free"),
        ("peanuts", "tree nuts"),
    ),
    "sesame": Exclusion(
        "sesame",
        ("sesame",),
        ("sesame", "tahini", "hummus", "everything bagel", "everything seasoning", "halvah"),
    ),
    "wheat": Exclusion(
        "wheat",
        ("wheat",),
        (
            "wheat",
            "flour",
            "semolina",
            "durum",
            "spelt",
            "farina",
            "bread",
            "bagel",
            "bun",
            "pasta",
            "spaghetti",
            "penne",
            "macaroni",
            "noodle",
            "cracker",
            "cookie",
            "cake",
            "muffin",
            "pretzel",
            "croissant",
            "breadcrumb",
            "crouton",
            "couscous",
            "graham",
            "waffle",
            "pancake",
            "pizza",
            "seitan",
        ),
        (
            "rice flour",
            "almond flour",
            "coconut flour",
            "corn flour",
            "oat flour",
            "rice noodle",
            "rice cracker",
            "rice cake",
            "buckwheat",
            "gluten free",
            "wheat free",
            "cassava flour",
            "chickpea flour",
        ),
    ),
    "gluten": Exclusion("gluten", ("gluten",), ("barley", "rye", "malt", "beer"), (), ("wheat",)),
    "dairy": Exclusion(
        "dairy",
        ("milk", "dairy", "lactose"),
        (
            "milk",
            "cheese",
            "butter",
            "cream",
            "yogurt",
            "yoghurt",
            "whey",
            "casein",
            "lactose",
            "ghee",
            "buttermilk",
            "cheddar",
            "mozzarella",
            "parmesan",
            "ricotta",
            "half and half",
            "creamer",
            "latte",
            "kefir",
            "custard",
            "brie",
            "feta",
            "gouda",
            "provolone",
            "swiss",
            "colby",
            "jack cheese",
            "queso",
            "alfredo",
            "pesto",
        ),
        _DAIRY_FRIENDS,
    ),
    "eggs": Exclusion(
        "eggs",
        ("egg",),
        ("egg", "albumen", "mayonnaise", "mayo", "meringue", "aioli"),
        ("egg free", "eggless", "vegan", "eggplant", "egg roll wrapper free"),
    ),
    "soy": Exclusion(
        "soy",
        ("soy", "soybean", "soya"),
        ("soy", "soybean", "tofu", "edamame", "miso", "tempeh", "tamari", "soya"),
        ("soy free",),
    ),
    "fish": Exclusion(
        "fish",
        ("fish",),
        (
            "fish",
            "salmon",
            "tuna",
            "cod",
            "tilapia",
            "anchovy",
            "sardine",
            "trout",
            "halibut",
            "pollock",
            "mahi",
            "catfish",
            "haddock",
            "swordfish",
            "worcestershire",
        ),
        ("goldfish", "swedish fish"),
    ),
    "shellfish": Exclusion(
        "shellfish",
        ("shellfish", "crustacean shellfish", "crustacean", "mollusc"),
        (
            "shellfish",
            "shrimp",
            "crab",
            "lobster",
            "crawfish",
            "crayfish",
            "clam",
            "oyster",
            "mussel",
            "scallop",
            "prawn",
        ),
        ("oyster cracker", "crab apple", "oyster mushroom", "crabapple"),
    ),
    "pork": Exclusion("pork", (), _PORK, _NOT_PORK, other_kinds=("turkey", "chicken", "beef", "plant based")),
    "beef": Exclusion(
        "beef",
        (),
        ("beef", "steak", "brisket", "hamburger", "veal", "ground chuck"),
        # What is named after a meat without containing it ("Hamburger Buns", "Steak Sauce").
        (
            "plant based",
            "vegan",
            "beefsteak tomato",
            "meatless",
            "hamburger bun",
            "burger bun",
            "hamburger helper",
            "steak sauce",
            "steak seasoning",
        ),
    ),
    "meat": Exclusion(
        "meat",
        (),
        ("chicken", "turkey", "lamb", "duck", "meatball", "jerky", "broth", "bouillon", "stock"),
        (
            "vegetable broth",
            "veggie broth",
            "vegetable stock",
            "plant based",
            "vegan",
            "meatless",
            "vegetarian",
            "veggie",
            "mushroom broth",
        ),
        # Land animals: a pescatarian's "no other meat" keeps fish; "vegetarian" adds it below.
        ("pork", "beef"),
    ),
    "alcohol": Exclusion(
        "alcohol",
        (),
        (
            "wine",
            "beer",
            "vodka",
            "rum",
            "whiskey",
            "bourbon",
            "liquor",
            "tequila",
            "gin",
            "hard seltzer",
            "hard cider",
            "sake",
            "brandy",
            "lager",
            "ipa",
            "ale",
        ),
        (
            "wine vinegar",
            "ginger ale",
            "root beer",
            "ginger beer",
            "birch beer",
            "non alcoholic",
            "alcohol free",
        ),
    ),
    "high fructose corn syrup": Exclusion(
        "high-fructose corn syrup", (), ("high fructose corn syrup", "hfcs", "glucose fructose")
    ),
    "corn syrup": Exclusion("corn syrup", (), ("corn syrup",), (), ("high fructose corn syrup",)),
    "artificial sweeteners": Exclusion(
        "artificial sweeteners",
        (),
        ("aspartame", "sucralose", "saccharin", "splenda", "acesulfame", "diet", "zero sugar"),
    ),
    "palm oil": Exclusion("palm oil", (), ("palm oil", "palm kernel")),
}
# What households call them ("tree nut allergy", "no HFCS", "we avoid gluten").
EXCLUSION_NAMES = {
    **{key: key for key in EXCLUSIONS},
    "peanut": "peanuts", "nut": "nuts", "tree nut": "tree nuts", "egg": "eggs", "milk": "dairy",
    "lactose": "dairy", "bacon": "pork", "ham": "pork", "lard": "pork", "gelatin": "pork",
    "seafood": "shellfish", "shrimp": "shellfish", "crustacean": "shellfish", "hfcs": "high fructose corn syrup",
    "high fructose corn syrup": "high fructose corn syrup", "booze": "alcohol", "sweeteners": "artificial sweeteners",
    "artificial sweetener": "artificial sweeteners", "soya": "soy", "soybean": "soy", "red meat": "beef",
    "celiac": "gluten", "coeliac": "gluten", "almond": "tree nuts", "cashew": "tree nuts", "walnut": "tree nuts",
    "pecan": "tree nuts", "dairy products": "dairy", "cheese": "dairy",
}  # fmt: skip
DIET_EXCLUSIONS = {
    "vegetarian": ("meat", "fish", "shellfish"),
    "vegan": ("meat", "fish", "shellfish", "dairy", "eggs"),
    "halal": ("pork", "alcohol"),
    "kosher": ("pork", "shellfish"),
    "pescatarian": ("pork", "beef"),
}
# Kroger allergen levels that mean the product may hold it: an allergy excludes both.
CONTAINING_LEVELS = ("contains", "may_contain")

# Lines that name a whole shelf, not a product: the household must say which (or guidance, or
# memory must), so they are never picked silently.
VAGUE_LINES = (
    frozenset({"apple", "corn", "pea"})
    | frozenset(
        [
            "cereal",
            "chip",
            "cracker",
            "cookie",
            "cheese",
            "juice",
            "soda",
            "bread",
            "yogurt",
            "cream",
            "steak",
            "lettuce",
            "pasta",
            "snack",
            "candy",
            "soup",
            "sauce",
            "nut",
            "tea",
            "fish",
            "meat",
            "fruit",
            "vegetable",
            "veggie",
            "bean",
            "wine",
            "beer",
            "cake",
            "pie",
            "chocolate",
            "jam",
            "jelly",
            "dressing",
            "sausage",
            "spice",
            "seasoning",
            "drink",
            "beverage",
            "noodle",
            "salad",
            "dip",
            "spread",
        ]
    )
    | frozenset(
        {
            "greek yogurt",
            "ice cream",
            "granola bar",
            "cold cut",
            "lunch meat",
            "deli meat",
            "frozen dinner",
            "frozen meal",
            "salad dressing",
            "candy bar",
            "sparkling water",
            "pop",
        }
    )
)
# Shorthand shoppers write, as Kroger's catalogue names it.
SHORTHAND = {
    "evoo": "extra virgin olive oil", "ev olive oil": "extra virgin olive oil",
    "acv": "apple cider vinegar", "veg oil": "vegetable oil", "veggie oil": "vegetable oil",
    "ap flour": "all purpose flour", "a p flour": "all purpose flour", "plain flour": "all purpose flour",
    "mac n cheese": "macaroni and cheese", "mac and cheese": "macaroni and cheese",
    "mac 'n cheese": "macaroni and cheese", "mac & cheese": "macaroni and cheese", "mac n' cheese": "macaroni and cheese",
    "h&h": "half and half", "h and h": "half and half", "half n half": "half and half", "half & half": "half and half",
    "pb": "peanut butter", "oj": "orange juice", "tp": "bath tissue", "toilet paper": "bath tissue",
    "toilet tissue": "bath tissue", "loo roll": "bath tissue", "bog roll": "bath tissue",
    "pop": "soda", "soda pop": "soda", "soft drink": "soda", "soft drinks": "soda", "fizzy drink": "soda",
    "bbq sauce": "barbecue sauce", "choc chips": "chocolate chips", "choc chip": "chocolate chips",
    "parm": "parmesan", "mozz": "mozzarella", "cukes": "cucumbers", "zucchinis": "zucchini",
    "courgette": "zucchini", "aubergine": "eggplant", "avo": "avocado", "avos": "avocados",
    "gf bread": "gluten free bread", "ww bread": "whole wheat bread", "pb&j": "peanut butter",
    "chix": "chicken", "chkn": "chicken", "hamburger meat": "ground beef", "hamburger": "ground beef",
    "burger meat": "ground beef", "mince": "ground beef", "scallions": "green onions", "spring onions": "green onions", "coriander leaves": "cilantro", "garbanzo beans": "chickpeas", "garbanzos": "chickpeas",
    "paper towel": "paper towels", "kitchen roll": "paper towels",
    "washing up liquid": "dish soap", "garbage bags": "trash bags",
    "bin bags": "trash bags", "catsup": "ketchup", "confectioners sugar": "powdered sugar", "icing sugar": "powdered sugar",
    "heavy whipping cream": "heavy cream", "double cream": "heavy cream", "seltzer": "sparkling water",
    "club soda": "sparkling water", "fizzy water": "sparkling water", "franks": "hot dogs",
    "sammich bread": "bread", "bday candles": "birthday candles", "yoghurt": "yogurt", "greek yog": "greek yogurt",
    "choc milk": "chocolate milk", "t bags": "tea bags", "pbutter": "peanut butter", "romaine": "romaine lettuce",
    "coke": "coca cola",
    "kraft dinner": "kraft macaroni and cheese", "kd": "kraft macaroni and cheese", "mayo": "mayonnaise",
    "pb and j": "peanut butter", "ev oo": "extra virgin olive oil", "xvoo": "extra virgin olive oil",
}  # fmt: skip
# Words that name the same product: the first is how Kroger's catalogue says it.
SYNONYMS = (
    ("bath tissue", "toilet paper", "toilet tissue"),
    ("soda", "pop", "soft drink", "cola"),
    ("green onion", "scallion", "spring onion"),
    ("chickpea", "garbanzo bean"),
    ("ground beef", "hamburger", "ground chuck"),
    ("hot dog", "frank", "frankfurter", "wiener"),
    ("sparkling water", "seltzer", "club soda", "seltzer water"),
    ("powdered sugar", "confectioners sugar", "icing sugar"),
    ("heavy cream", "heavy whipping cream", "whipping cream"),
    ("trash bag", "garbage bag", "bin bag"),
    ("dish soap", "dishwashing liquid", "dish liquid"),
    ("macaroni and cheese", "mac and cheese", "macaroni cheese", "mac cheese"),
    ("all purpose flour", "ap flour", "plain flour"),
    ("zucchini", "courgette"),
    ("eggplant", "aubergine"),
    ("cilantro", "coriander"),
    ("yogurt", "yoghurt"),
    ("unscented", "free & clear", "free and clear", "fragrance free", "scent free", "perfume free"),
    ("oat", "oatmeal"),
    ("tenderloin", "tender"),
    ("slice", "sliced"),
    ("shred", "shredded"),
    ("chocolate chip", "chocolate morsel", "baking chip"),
    ("mayonnaise", "mayo"),
)
# Term categories guidance may name instead of items ("free-range poultry", "canned goods: ...").
CATEGORIES = {
    "poultry": ("chicken", "turkey"),
    "meat": ("beef", "pork", "chicken", "turkey", "bacon", "sausage", "steak", "ham", "lamb"),
    "dairy": ("milk", "cheese", "yogurt", "butter", "cream", "sour cream", "cottage cheese", "half and half"),
    "staples": ("milk", "egg", "bread", "butter", "rice", "pasta", "flour", "sugar", "salt", "oil", "cereal",
                "cheese", "mozzarella", "cheddar", "beans", "tomato", "onion", "potato", "coffee", "tortilla",
                "bath tissue", "paper towel", "dish soap", "trash bag"),
    "produce": ("apple", "banana", "orange", "lettuce", "tomato", "onion", "potato", "carrot", "spinach",
                "avocado", "berry", "strawberry", "blueberry", "grape", "pepper", "broccoli", "cucumber",
                "lemon", "lime", "celery", "garlic", "pear", "peach", "mushroom", "zucchini", "kale"),
    "fruit": ("apple", "banana", "orange", "grape", "strawberry", "blueberry", "lemon", "lime", "pear",
              "peach", "berry", "avocado", "clementine", "mango", "pineapple", "raspberry"),
    "vegetable": ("lettuce", "tomato", "onion", "potato", "carrot", "spinach", "broccoli", "pepper",
                  "cucumber", "celery", "zucchini", "kale", "mushroom", "garlic"),
    "veggie": ("lettuce", "tomato", "onion", "potato", "carrot", "spinach", "broccoli", "pepper"),
    "seafood": ("fish", "salmon", "shrimp", "tuna", "cod", "tilapia"),
    "berry": ("strawberry", "blueberry", "raspberry", "blackberry", "cranberry"),
    "bakery": ("bread", "bagel", "bun", "roll", "muffin", "tortilla"),
    "snack": ("chip", "cracker", "cookie", "pretzel", "popcorn", "granola bar"),
    "drink": ("juice", "soda", "water", "coffee", "tea"),
    "beverage": ("juice", "soda", "water", "coffee", "tea"),
    "canned good": ("canned", "bean", "soup", "tomato sauce", "tuna"),
    "paper good": ("bath tissue", "paper towel", "napkin", "tissue"),
    "paper product": ("bath tissue", "paper towel", "napkin", "tissue"),
    "cleaning": ("dish soap", "detergent", "cleaner", "bleach", "trash bag"),
    "household": ("bath tissue", "paper towel", "dish soap", "detergent", "trash bag"),
}  # fmt: skip
# Kroger category names (`categories` in product payloads) a guidance category names.
KROGER_CATEGORIES = {
    "canned good": ("canned & packaged",),
    "canned": ("canned & packaged",),
    "produce": ("produce",),
    "fruit": ("produce",),
    "vegetable": ("produce",),
    "dairy": ("dairy",),
    "meat": ("meat & seafood",),
    "seafood": ("meat & seafood",),
    "bakery": ("bakery", "bread"),
    "frozen": ("frozen",),
    "snack": ("snacks",),
    "drink": ("beverages",),
    "beverage": ("beverages",),
    "paper good": ("paper products",),
    "paper product": ("paper products",),
    "household": ("household", "paper products"),
    "cleaning": ("household",),
    "breakfast": ("breakfast",),
    "baking": ("baking goods",),
    "pantry": ("canned & packaged", "pasta, sauces, grain", "baking goods", "breakfast"),
    "pantry stuff": ("canned & packaged", "pasta, sauces, grain", "baking goods", "breakfast"),
}
STOPWORDS = word_set(
    "we i our us my always usually generally prefer preferred like love buy get want use choose pick "
    "please the a an for of and or in on with is are be it its it's that this these those when where "
    "whenever possible available whatever everything anything things stuff items item products product "
    "ones one brand brands size sizes option options kind kinds type types fine ok okay good great "
    "better best only just also too very really much more most than to if but at by from as so all any "
    "every each should must need needs go buying getting picking choose free allergic allergy allergies "
    "avoid never not don't dont without skip hate dislike none keep eat contain contains containing "
    "unless matter care doesn't preference whenever can could would get house household family kids "
    "he she they them his her their is's name named goes go going same if it's over under cheaper "
    "cheap less expensive pricier price cost costs dollar dollars cent cents percent per ounce oz pound lb "
    "unit compared instead rather otherwise else also though tho usual usually normally typically "
    "regular whichever either way important prefers likes loves wants uses eats drinks drink buys "
    "there here that's what which who whose is was were has have had do does did make makes "
    "nothing thing things version versions there's there out no yes allergic intolerant sensitive sensitivity nope ever our's ours mostly mainly generally stuff"
)
NEGATION = r"(?:no|not|never|avoid|avoids|without|skip|don't|dont|do not|hate|dislike|none of|anything but|nothing with|stay away from|steer clear of|can't have|cannot have|can't eat|cannot eat|nothing labell?ed|nothing that)"  # noqa: E501
INDIFFERENCE = re.compile(
    r"(?:doesn'?t|does not|don'?t|do not)\s+(?:matter|care)|no preference|either way|not important|"
    r"any (?:brand|kind) is fine|whatever brand"
)
# Attributes that name one product's grade, so guidance naming only the grade ("Real
# Parmigiano Reggiano") is about that product.
GRADE_OF = {"parmigiano reggiano": "parmesan", "extra virgin": "olive oil"}
STRONG = re.compile(
    r"\b(?:only|always|must|never|strictly|real|genuine|nothing else|has to be|have to be|insist|or nothing)\b"
)
MONEY = re.compile(
    r"\$\s*(\d+(?:\.\d{1,2})?)|(\d+(?:\.\d{1,2})?)\s*(?:dollars?|bucks)|(\d{1,3})\s*(?:cents?|¢|c\b)"
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
