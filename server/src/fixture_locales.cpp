#include "fixture_locales.hpp"

#include <array>
#include <cstddef>
#include <utility>

namespace customerdb::server::detail {

namespace {

using sv = std::string_view;

// ---- United States -------------------------------------------------------------------------

constexpr std::array<sv, 24> us_first{
    "James", "Mary",   "Robert",  "Patricia", "John",    "Jennifer", "Michael", "Linda",
    "David", "Emily",  "William", "Sarah",    "Richard", "Jessica",  "Joseph",  "Ashley",
    "Chris", "Olivia", "Daniel",  "Sophia",   "Matthew", "Isabella", "Anthony", "Madison"};
constexpr std::array<sv, 24> us_last{
    "Smith",     "Johnson",  "Williams",  "Brown", "Jones",    "Garcia",   "Miller", "Davis",
    "Rodriguez", "Martinez", "Hernandez", "Lopez", "Wilson",   "Anderson", "Thomas", "Taylor",
    "Moore",     "Jackson",  "Martin",    "Lee",   "Thompson", "White",    "Harris", "O'Brien"};
constexpr std::array<fixture_city, 8> us_cities{{
    {"New York", "NY", "100##", "+1 (212) N##-####"},
    {"Los Angeles", "CA", "900##", "+1 (213) N##-####"},
    {"Chicago", "IL", "606##", "+1 (312) N##-####"},
    {"Houston", "TX", "770##", "+1 (713) N##-####"},
    {"Seattle", "WA", "981##", "+1 (206) N##-####"},
    {"Boston", "MA", "021##", "+1 (617) N##-####"},
    {"Austin", "TX", "787##", "+1 (512) N##-####"},
    {"Denver", "CO", "802##", "+1 (303) N##-####"},
}};
constexpr std::array<sv, 12> us_streets{"Maple Street",    "Oak Avenue",     "Main Street",
                                        "Park Avenue",     "Elm Street",     "Cedar Lane",
                                        "Washington Blvd", "Lakeview Drive", "Pine Street",
                                        "Sunset Blvd",     "Hillcrest Road", "2nd Avenue"};
constexpr std::array<sv, 3> us_address_2{"Apt #", "Suite ##", "Unit ##A"};
constexpr std::array<sv, 1> us_mobile{"+1 (N##) N##-####"};
constexpr std::array<sv, 5> us_domains{"gmail.com", "yahoo.com", "outlook.com", "icloud.com",
                                       "aol.com"};
constexpr std::array<sv, 3> us_forms{"Inc.", "LLC", "Corp."};

// ---- Canada --------------------------------------------------------------------------------

constexpr std::array<sv, 16> ca_first{
    "Liam",  "Emma", "Noah",  "Charlotte", "Benjamin", "Chloé", "Lucas", "Amelia",
    "Félix", "Léa",  "Ethan", "Maya",      "Gabriel",  "Zoé",   "Owen",  "Avery"};
constexpr std::array<sv, 16> ca_last{
    "Tremblay", "Gagnon", "Roy",   "Côté",   "Bouchard",  "Gauthier", "Morin",   "Lavoie",
    "Fortin",   "Smith",  "Brown", "Wilson", "MacDonald", "Campbell", "Stewart", "Chen"};
constexpr std::array<fixture_city, 4> ca_cities{{
    {"Toronto", "ON", "M5V #A#", "+1 (416) N##-####"},
    {"Montréal", "QC", "H2X #A#", "+1 (514) N##-####"},
    {"Vancouver", "BC", "V6B #A#", "+1 (604) N##-####"},
    {"Calgary", "AB", "T2P #A#", "+1 (403) N##-####"},
}};
constexpr std::array<sv, 8> ca_streets{
    "Queen Street West",       "Rue Sainte-Catherine", "Granville Street", "Yonge Street",
    "Boulevard Saint-Laurent", "Bay Street",           "Robson Street",    "Stephen Avenue"};
constexpr std::array<sv, 2> ca_address_2{"Apt ###", "Suite ##"};
constexpr std::array<sv, 1> ca_mobile{"+1 (N##) N##-####"};
constexpr std::array<sv, 4> ca_domains{"gmail.com", "rogers.com", "shaw.ca", "videotron.ca"};
constexpr std::array<sv, 2> ca_forms{"Inc.", "Ltd."};

// ---- United Kingdom ------------------------------------------------------------------------

constexpr std::array<sv, 16> gb_first{"Oliver", "Amelia", "George", "Isla",   "Harry", "Ava",
                                      "Jack",   "Mia",    "Thomas", "Grace",  "Oscar", "Freya",
                                      "Alfie",  "Poppy",  "Arthur", "Siobhan"};
constexpr std::array<sv, 16> gb_last{"Smith",  "Jones",  "Taylor", "Brown",    "Williams", "Wilson",
                                     "Evans",  "Walker", "Wright", "Robinson", "Thompson", "Hughes",
                                     "Clarke", "Patel",  "Khan",   "MacLeod"};
constexpr std::array<fixture_city, 4> gb_cities{{
    {"London", "Greater London", "SW1A #AA", "+44 20 7### ####"},
    {"Manchester", "Greater Manchester", "M# #AA", "+44 161 ### ####"},
    {"Edinburgh", "City of Edinburgh", "EH# #AA", "+44 131 ### ####"},
    {"Bristol", "Bristol", "BS# #AA", "+44 117 ### ####"},
}};
constexpr std::array<sv, 8> gb_streets{"High Street",   "Station Road", "Church Lane",
                                       "Victoria Road", "Green Lane",   "Manor Road",
                                       "Kings Road",    "Mill Lane"};
constexpr std::array<sv, 2> gb_address_2{"Flat #", "Flat ##"};
constexpr std::array<sv, 1> gb_mobile{"+44 7### ######"};
constexpr std::array<sv, 4> gb_domains{"gmail.com", "btinternet.com", "hotmail.co.uk",
                                       "yahoo.co.uk"};
constexpr std::array<sv, 2> gb_forms{"Ltd", "LLP"};

// ---- Germany -------------------------------------------------------------------------------

constexpr std::array<sv, 16> de_first{"Anna",  "Lukas",  "Sophie", "Jürgen", "Lena",  "Maximilian",
                                      "Marie", "Felix",  "Hannah", "Jonas",  "Greta", "Paul",
                                      "Lea",   "Stefan", "Käthe",  "Tobias"};
constexpr std::array<sv, 16> de_last{
    "Müller", "Schmidt",  "Schneider", "Fischer", "Weber", "Meyer",   "Wagner", "Becker",
    "Schulz", "Hoffmann", "Schäfer",   "Koch",    "Bauer", "Richter", "Klein",  "Weiß"};
constexpr std::array<fixture_city, 5> de_cities{{
    {"Berlin", "Berlin", "10###", "+49 30 ########"},
    {"München", "Bayern", "80###", "+49 89 ########"},
    {"Hamburg", "Hamburg", "20###", "+49 40 ########"},
    {"Köln", "Nordrhein-Westfalen", "50###", "+49 221 #######"},
    {"Frankfurt am Main", "Hessen", "60###", "+49 69 ########"},
}};
constexpr std::array<sv, 8> de_streets{"Hauptstraße",   "Schillerstraße", "Goethestraße",
                                       "Bahnhofstraße", "Lindenallee",    "Gartenweg",
                                       "Am Markt",      "Kastanienallee"};
constexpr std::array<sv, 2> de_address_2{"#. OG", "Hinterhaus, #. OG"};
constexpr std::array<sv, 2> de_mobile{"+49 15# ########", "+49 17# #######"};
constexpr std::array<sv, 4> de_domains{"gmx.de", "web.de", "t-online.de", "gmail.com"};
constexpr std::array<sv, 3> de_forms{"GmbH", "AG", "GmbH & Co. KG"};

// ---- France --------------------------------------------------------------------------------

constexpr std::array<sv, 16> fr_first{"Camille", "Léa",     "Hugo",  "Chloé",  "Louis",  "Manon",
                                      "Gabriel", "Inès",    "Jules", "Éloïse", "Arthur", "Zoé",
                                      "Raphaël", "Margaux", "Théo",  "Anaïs"};
constexpr std::array<sv, 16> fr_last{"Martin",  "Bernard", "Dubois", "Thomas",  "Robert", "Richard",
                                     "Petit",   "Durand",  "Leroy",  "Moreau",  "Simon",  "Laurent",
                                     "Lefèvre", "Michel",  "Garcia", "Fontaine"};
constexpr std::array<fixture_city, 5> fr_cities{{
    {"Paris", "Île-de-France", "750##", "+33 1 ## ## ## ##"},
    {"Lyon", "Auvergne-Rhône-Alpes", "6900#", "+33 4 ## ## ## ##"},
    {"Marseille", "Provence-Alpes-Côte d'Azur", "130##", "+33 4 ## ## ## ##"},
    {"Toulouse", "Occitanie", "310##", "+33 5 ## ## ## ##"},
    {"Bordeaux", "Nouvelle-Aquitaine", "330##", "+33 5 ## ## ## ##"},
}};
constexpr std::array<sv, 8> fr_streets{"rue de Rivoli",
                                       "avenue Victor Hugo",
                                       "rue de la République",
                                       "boulevard Voltaire",
                                       "rue du Faubourg Saint-Honoré",
                                       "place Bellecour",
                                       "rue Sainte-Catherine",
                                       "allée des Tilleuls"};
constexpr std::array<sv, 2> fr_address_2{"Bâtiment A, #e étage", "Appartement ##"};
constexpr std::array<sv, 2> fr_mobile{"+33 6 ## ## ## ##", "+33 7 ## ## ## ##"};
constexpr std::array<sv, 4> fr_domains{"orange.fr", "free.fr", "laposte.net", "gmail.com"};
constexpr std::array<sv, 3> fr_forms{"SARL", "SAS", "SA"};

// ---- Netherlands ---------------------------------------------------------------------------

constexpr std::array<sv, 12> nl_first{"Daan", "Emma", "Sem",  "Julia", "Lucas", "Mila",
                                      "Finn", "Tess", "Bram", "Sanne", "Joost", "Femke"};
constexpr std::array<sv, 12> nl_last{"de Jong",  "Jansen", "de Vries", "van den Berg",
                                     "van Dijk", "Bakker", "Janssen",  "Visser",
                                     "Smit",     "Meijer", "de Boer",  "Mulder"};
constexpr std::array<fixture_city, 3> nl_cities{{
    {"Amsterdam", "Noord-Holland", "10## AA", "+31 20 ### ####"},
    {"Rotterdam", "Zuid-Holland", "30## AA", "+31 10 ### ####"},
    {"Utrecht", "Utrecht", "35## AA", "+31 30 ### ####"},
}};
constexpr std::array<sv, 6> nl_streets{"Prinsengracht", "Keizersgracht", "Kerkstraat",
                                       "Dorpsstraat",   "Molenweg",      "Stationsplein"};
constexpr std::array<sv, 2> nl_address_2{"#-hoog", "huis"};
constexpr std::array<sv, 1> nl_mobile{"+31 6 ########"};
constexpr std::array<sv, 3> nl_domains{"ziggo.nl", "kpnmail.nl", "gmail.com"};
constexpr std::array<sv, 2> nl_forms{"B.V.", "N.V."};

// ---- Spain ---------------------------------------------------------------------------------

constexpr std::array<sv, 12> es_first{"Lucía",   "Hugo",   "Martina", "Mateo",  "Sofía",  "Pablo",
                                      "Valeria", "Álvaro", "Paula",   "Javier", "Carmen", "Íñigo"};
constexpr std::array<sv, 12> es_last{"García", "Fernández", "González", "Rodríguez",
                                     "López",  "Martínez",  "Sánchez",  "Pérez",
                                     "Gómez",  "Martín",    "Jiménez",  "Muñoz"};
constexpr std::array<fixture_city, 4> es_cities{{
    {"Madrid", "Madrid", "280##", "+34 91# ### ###"},
    {"Barcelona", "Cataluña", "080##", "+34 93# ### ###"},
    {"Valencia", "Comunidad Valenciana", "460##", "+34 96# ### ###"},
    {"Sevilla", "Andalucía", "410##", "+34 95# ### ###"},
}};
constexpr std::array<sv, 6> es_streets{
    "Calle de Alcalá", "Gran Vía", "Calle Mayor", "Passeig de Gràcia", "Avenida de la Constitución",
    "Calle Sierpes"};
constexpr std::array<sv, 2> es_address_2{"#º A", "Piso #, puerta #"};
constexpr std::array<sv, 1> es_mobile{"+34 6## ### ###"};
constexpr std::array<sv, 3> es_domains{"gmail.com", "hotmail.es", "yahoo.es"};
constexpr std::array<sv, 2> es_forms{"S.L.", "S.A."};

// ---- Italy ---------------------------------------------------------------------------------

constexpr std::array<sv, 12> it_first{"Giulia",  "Leonardo", "Sofia",  "Francesco",
                                      "Aurora",  "Lorenzo",  "Alice",  "Niccolò",
                                      "Ginevra", "Mattia",   "Chiara", "Andrea"};
constexpr std::array<sv, 12> it_last{"Rossi",   "Russo",  "Ferrari", "Esposito",
                                     "Bianchi", "Romano", "Colombo", "Ricci",
                                     "Marino",  "Greco",  "Bruno",   "De Luca"};
constexpr std::array<fixture_city, 4> it_cities{{
    {"Roma", "RM", "001##", "+39 06 ########"},
    {"Milano", "MI", "201##", "+39 02 ########"},
    {"Napoli", "NA", "801##", "+39 081 #######"},
    {"Torino", "TO", "101##", "+39 011 #######"},
}};
constexpr std::array<sv, 6> it_streets{"Via Roma",  "Via Garibaldi", "Corso Vittorio Emanuele II",
                                       "Via Dante", "Via Toledo",    "Piazza del Popolo"};
constexpr std::array<sv, 2> it_address_2{"Scala B, interno #", "Piano #"};
constexpr std::array<sv, 1> it_mobile{"+39 3## ### ####"};
constexpr std::array<sv, 3> it_domains{"libero.it", "virgilio.it", "gmail.com"};
constexpr std::array<sv, 2> it_forms{"S.r.l.", "S.p.A."};

// ---- Denmark -------------------------------------------------------------------------------

constexpr std::array<sv, 12> dk_first{"Mads",   "Freja", "Søren",  "Ida",    "Frederik", "Emma",
                                      "Magnus", "Sofie", "Mikkel", "Astrid", "Rasmus",   "Mette"};
constexpr std::array<sv, 12> dk_last{"Jensen",    "Nielsen",     "Hansen",   "Pedersen",
                                     "Andersen",  "Christensen", "Larsen",   "Sørensen",
                                     "Rasmussen", "Jørgensen",   "Petersen", "Madsen"};
constexpr std::array<fixture_city, 3> dk_cities{{
    {"København", "Hovedstaden", "1###", "+45 3# ## ## ##"},
    {"Aarhus", "Midtjylland", "8000", "+45 8# ## ## ##"},
    {"Odense", "Syddanmark", "5000", "+45 6# ## ## ##"},
}};
constexpr std::array<sv, 6> dk_streets{"Vesterbrogade", "Nørrebrogade", "Strøget",
                                       "Åboulevard",    "Søndergade",   "Kongensgade"};
constexpr std::array<sv, 2> dk_address_2{"#. tv.", "#. th."};
constexpr std::array<sv, 2> dk_mobile{"+45 2# ## ## ##", "+45 4# ## ## ##"};
constexpr std::array<sv, 3> dk_domains{"gmail.com", "hotmail.dk", "mail.dk"};
constexpr std::array<sv, 2> dk_forms{"ApS", "A/S"};

// ---- Sweden --------------------------------------------------------------------------------

constexpr std::array<sv, 12> se_first{"Alice", "William", "Maja",   "Elias", "Ebba", "Hugo",
                                      "Åsa",   "Oskar",   "Linnéa", "Axel",  "Saga", "Björn"};
constexpr std::array<sv, 12> se_last{"Andersson", "Johansson",  "Karlsson",  "Nilsson",
                                     "Eriksson",  "Larsson",    "Olsson",    "Persson",
                                     "Svensson",  "Gustafsson", "Lindström", "Åberg"};
constexpr std::array<fixture_city, 3> se_cities{{
    {"Stockholm", "Stockholms län", "1## ##", "+46 8 ### ### ##"},
    {"Göteborg", "Västra Götalands län", "4## ##", "+46 31 ### ## ##"},
    {"Malmö", "Skåne län", "2## ##", "+46 40 ### ## ##"},
}};
constexpr std::array<sv, 6> se_streets{"Drottninggatan", "Storgatan", "Kungsgatan",
                                       "Götgatan",       "Sveavägen", "Linnégatan"};
constexpr std::array<sv, 1> se_address_2{"Lgh 1###"};
constexpr std::array<sv, 1> se_mobile{"+46 7# ### ## ##"};
constexpr std::array<sv, 3> se_domains{"gmail.com", "telia.com", "hotmail.se"};
constexpr std::array<sv, 1> se_forms{"AB"};

// ---- Australia -----------------------------------------------------------------------------

constexpr std::array<sv, 12> au_first{"Charlotte", "Oliver", "Olivia",  "Jack", "Mia",  "Noah",
                                      "Ruby",      "Henry",  "Matilda", "Leo",  "Zara", "Lachlan"};
constexpr std::array<sv, 12> au_last{"Smith",  "Jones",  "Williams", "Brown",
                                     "Wilson", "Taylor", "Nguyen",   "Kelly",
                                     "Ryan",   "Murphy", "Mitchell", "O'Connor"};
constexpr std::array<fixture_city, 3> au_cities{{
    {"Sydney", "NSW", "2000", "+61 2 #### ####"},
    {"Melbourne", "VIC", "3000", "+61 3 #### ####"},
    {"Brisbane", "QLD", "4000", "+61 7 #### ####"},
}};
constexpr std::array<sv, 6> au_streets{"George Street", "Collins Street", "Queen Street",
                                       "Bourke Street", "Pitt Street",    "Ann Street"};
constexpr std::array<sv, 2> au_address_2{"Unit ##", "Level #"};
constexpr std::array<sv, 1> au_mobile{"+61 4## ### ###"};
constexpr std::array<sv, 3> au_domains{"gmail.com", "bigpond.com", "outlook.com"};
constexpr std::array<sv, 1> au_forms{"Pty Ltd"};

// ---- Japan ---------------------------------------------------------------------------------

constexpr std::array<sv, 12> jp_first{"Haruto", "Yui",    "Sota",  "Aoi", "Yuto", "Hina",
                                      "Ren",    "Sakura", "Kaito", "Mio", "Riku", "Yuna"};
constexpr std::array<sv, 12> jp_last{"Sato",      "Suzuki", "Takahashi", "Tanaka",
                                     "Watanabe",  "Ito",    "Yamamoto",  "Nakamura",
                                     "Kobayashi", "Kato",   "Yoshida",   "Yamada"};
constexpr std::array<fixture_city, 2> jp_cities{{
    {"Chiyoda-ku", "Tokyo", "100-####", "+81 3-####-####"},
    {"Kita-ku", "Osaka", "530-####", "+81 6-####-####"},
}};
constexpr std::array<sv, 6> jp_streets{"Marunouchi",  "Otemachi", "Umeda",
                                       "Nakanoshima", "Kanda",    "Sonezaki"};
constexpr std::array<sv, 1> jp_address_2{"#F"};
constexpr std::array<sv, 2> jp_mobile{"+81 90-####-####", "+81 80-####-####"};
constexpr std::array<sv, 3> jp_domains{"gmail.com", "yahoo.co.jp", "docomo.ne.jp"};
constexpr std::array<sv, 1> jp_forms{"Co., Ltd."};

constexpr std::array<fixture_country, 12> countries{{
    {"us", 28, "en", "usd", us_first, us_last, us_cities, us_streets, street_style::number_first,
     us_address_2, us_mobile, us_domains, us_forms},
    {"gb", 11, "en", "gbp", gb_first, gb_last, gb_cities, gb_streets, street_style::number_first,
     gb_address_2, gb_mobile, gb_domains, gb_forms},
    {"de", 12, "de", "eur", de_first, de_last, de_cities, de_streets, street_style::number_last,
     de_address_2, de_mobile, de_domains, de_forms},
    {"fr", 9, "fr", "eur", fr_first, fr_last, fr_cities, fr_streets, street_style::number_first,
     fr_address_2, fr_mobile, fr_domains, fr_forms},
    {"ca", 6, "en", "cad", ca_first, ca_last, ca_cities, ca_streets, street_style::number_first,
     ca_address_2, ca_mobile, ca_domains, ca_forms},
    {"nl", 5, "nl", "eur", nl_first, nl_last, nl_cities, nl_streets, street_style::number_last,
     nl_address_2, nl_mobile, nl_domains, nl_forms},
    {"es", 5, "es", "eur", es_first, es_last, es_cities, es_streets, street_style::comma_number,
     es_address_2, es_mobile, es_domains, es_forms},
    {"it", 5, "it", "eur", it_first, it_last, it_cities, it_streets, street_style::comma_number,
     it_address_2, it_mobile, it_domains, it_forms},
    {"dk", 5, "da", "dkk", dk_first, dk_last, dk_cities, dk_streets, street_style::number_last,
     dk_address_2, dk_mobile, dk_domains, dk_forms},
    {"se", 5, "sv", "sek", se_first, se_last, se_cities, se_streets, street_style::number_last,
     se_address_2, se_mobile, se_domains, se_forms},
    {"au", 5, "en", "aud", au_first, au_last, au_cities, au_streets, street_style::number_first,
     au_address_2, au_mobile, au_domains, au_forms},
    {"jp", 4, "ja", "jpy", jp_first, jp_last, jp_cities, jp_streets, street_style::block,
     jp_address_2, jp_mobile, jp_domains, jp_forms},
}};

constexpr std::array<sv, 16> words{"Northwind", "Blue Harbor", "Alpine",     "Summit",
                                   "Nordic",    "Redwood",     "Silverline", "Brightside",
                                   "Oakridge",  "Cedar",       "Falcon",     "Lumen",
                                   "Vertex",    "Meridian",    "Polar",      "Juniper"};
constexpr std::array<sv, 16> trades{
    "Trading",  "Logistics", "Design",     "Foods",   "Consulting", "Supplies", "Studio", "Labs",
    "Textiles", "Interiors", "Outfitters", "Systems", "Media",      "Partners", "Coffee", "Bikes"};
constexpr std::array<sv, 30> groups{"VIP",
                                    "Wholesale",
                                    "Newsletter subscribers",
                                    "Employees",
                                    "Loyalty Gold",
                                    "Loyalty Silver",
                                    "Loyalty Bronze",
                                    "B2B",
                                    "Resellers",
                                    "Influencers",
                                    "Early access",
                                    "Black Friday 2023",
                                    "Students",
                                    "Press",
                                    "Partners",
                                    "Returning customers",
                                    "High value",
                                    "At risk",
                                    "Inactive 12 months",
                                    "Beta testers",
                                    "Friends & family",
                                    "Corporate",
                                    "Nonprofit",
                                    "Nordics",
                                    "DACH",
                                    "Benelux",
                                    "Iberia",
                                    "North America",
                                    "APAC",
                                    "Première clientèle"};

// UTF-8 letters of the lists above and their ASCII spelling in e-mail addresses.
constexpr std::array<std::pair<sv, sv>, 32> transliterations{{
    {"ä", "ae"}, {"ö", "oe"}, {"ü", "ue"}, {"ß", "ss"}, {"Ä", "ae"}, {"Ö", "oe"}, {"Ü", "ue"},
    {"é", "e"},  {"è", "e"},  {"ê", "e"},  {"ë", "e"},  {"É", "e"},  {"à", "a"},  {"â", "a"},
    {"á", "a"},  {"Á", "a"},  {"ç", "c"},  {"î", "i"},  {"ï", "i"},  {"í", "i"},  {"Í", "i"},
    {"ô", "o"},  {"ó", "o"},  {"ò", "o"},  {"ú", "u"},  {"ù", "u"},  {"ñ", "n"},  {"ø", "oe"},
    {"Ø", "oe"}, {"å", "aa"}, {"Å", "aa"}, {"æ", "ae"},
}};

}  // namespace

std::span<const fixture_country> fixture_countries() { return countries; }
std::span<const std::string_view> company_words() { return words; }
std::span<const std::string_view> company_trades() { return trades; }
std::span<const std::string_view> group_names() { return groups; }

std::string ascii_slug(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') {
        out += static_cast<char>(c - 'A' + 'a');
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    bool known = false;
    for (const auto& [from, to] : transliterations) {
      if (text.substr(i, from.size()) == from) {
        out += to;
        i += from.size();
        known = true;
        break;
      }
    }
    if (known) continue;
    // Any other character: skip its UTF-8 sequence.
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return out;
}

}  // namespace customerdb::server::detail
