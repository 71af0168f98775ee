#include "classify/rules.h"

#include "text/text.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

#include "match/parser.h"

namespace ecoute::classify {

// The shipped cue rules. Queries follow docs/query-language.md: terms fold
// case and accents, `x*` is a prefix, `?` one character, "..." a phrase,
// NEAR/n either order, ONEAR/n ordered. Ambiguous words are only used in
// phrases or with NEAR ("feu" is also "feu vert", "court" a tennis court).
// The critical reasons (safety_risk, fraud) favour recall: they list the
// many ways customers write them (both registers, no accents, typos) rather
// than the training phrasings. Category cues are features for the category
// model, so they are broad. Recall/precision on training/customer-care
// (train split) are checked by rules_test.
std::vector<CueRule> DefaultRules() {
  std::vector<CueRule> r;
  auto reason = [&](const char* name, const char* lang, const char* q) { r.push_back({"reason", name, lang, q}); };
  auto category = [&](const char* name, const char* lang, const char* q) {
    r.push_back({"category", name, lang, q});
  };
  // ---------------------------------------------------------------- legal_threat
  reason("legal_threat", "fr",
         R"(avocat OR avocats OR avocate OR tribunal OR tribunaux OR juge OR juges OR huissier OR huissiers OR procès
            OR "porter plainte" OR "porte plainte" OR "déposer plainte" OR "plainte déposée" OR "dépôt de plainte"
            OR "portez plainte" OR "plainte contre" OR "main courante" OR commissariat OR gendarmerie
            OR (plainte NEAR/3 (porter OR porte OR portera OR porterai OR déposer OR déposé OR déposée OR dépose
                OR déposerai OR police OR gendarmerie OR envisage OR pénale))
            OR "mise en demeure" OR "mis en demeure" OR "lettre recommandée" NEAR/5 (demeure OR avocat)
            OR "que choisir" OR ufc OR "60 millions" OR "soixante millions" OR dgccrf OR "répression des fraudes"
            OR médiateur OR médiatrice OR médiation OR arcep OR cnil OR "signal conso" OR signalconso
            OR "défenseur des droits" OR clcv OR afoc OR indecosa OR "familles rurales" OR acpr OR "l'amf"
            OR "association de consommateurs" OR "associations de consommateurs" OR "association de consommateur"
            OR "association de défense" OR conciliateur OR conciliatrice OR "action en justice" OR "en justice"
            OR "saisir la justice" OR "injonction de payer" OR assignation OR "assigner" OR juridique OR juridiquement
            OR "protection juridique" OR "action de groupe" OR "recours collectif" OR contentieux OR "abus de faiblesse"
            OR "code de la consommation" OR "règlement européen" OR prescription OR "faire valoir mes droits"
            OR journaliste OR journalistes OR bfm OR bfmtv OR "la presse" OR "les médias" OR médias
            OR "60 millions de consommateurs" OR "envoyé spécial" OR "capital m6" OR "droit de la consommation"
            OR "complément d'enquête" OR "cash investigation" OR "france info" OR franceinfo OR "le parisien")");
  reason("legal_threat", "en",
         R"(lawyer OR lawyers OR solicitor OR solicitors OR ((attorney OR attorneys) NOT "power of attorney")
            OR lawsuit OR "legal action" OR "legal proceedings" OR "legal team" OR "take legal"
            OR sue OR suing OR "small claims" OR "letter before action" OR "letter before claim" OR "cease and desist"
            OR chargeback OR "charge back" OR ombudsman OR "trading standards" OR regulator OR ofcom OR fca OR ofgem
            OR ofwat OR orr OR caa OR ico OR cfpb OR ftc OR "attorney general" OR "money claim" OR mcol
            OR "citizens advice" OR "consumer rights" OR "consumer law" OR "consumer protection" OR "consumer rights act"
            OR bbb OR "better business bureau" OR watchdog OR journalist OR journalists OR "the press"
            OR "local paper" OR newspaper OR "consumer show" OR "consumer desk" OR "consumer affairs" OR "my mp"
            OR "section 75" OR "legal advice" OR "see you in court" OR "take you to court" OR "taking you to court"
            OR "the papers" OR "report you to" OR "reporting you to" OR "reported you to" OR "rip off britain"
            OR (court NEAR/3 (take OR taking OR see OR claims OR county OR file OR filing OR filed OR claim))
            OR (dispute NEAR/4 (bank OR card OR provider OR "credit card" OR raised OR opened OR open))
            OR "the media" OR "bbc" OR "watchdog")");

  // ---------------------------------------------------------------- safety_risk
  // Fire, heat, electricity, injury, health, food, gas, danger to a child.
  reason("safety_risk", "fr",
         R"("pris feu" OR "prend feu" OR "prendre feu" OR "prenne feu" OR "prit feu" OR "mis le feu" OR "départ de feu"
            OR "début d'incendie" OR "en feu" OR "en flammes" OR flammes OR incendie OR incendies
            OR (feu NEAR/3 (batterie OR chargeur OR prise OR radiateur OR four OR appareil OR trottinette OR câble
                OR multiprise OR cuisine OR chambre OR maison OR appartement OR compteur OR box OR pompiers))
            OR brûlé OR brûlée OR brûlés OR brûlées OR brûlure OR brûlures OR brûlant OR brûlante OR "me suis brûlé"
            OR "s'est brûlé" OR "s'est brûlée" OR ébouillanté OR ébouillantée OR cramé NEAR/3 (odeur OR sent OR prise
                OR câble OR chargeur)
            OR "odeur de brûlé" OR "sent le brûlé" OR "odeur de plastique" OR "odeur de cramé" OR fumée OR fumait
            OR "qui fume" OR explosion OR ((noirci OR noircie OR noircis) NEAR/4 (prise OR câble OR chargeur OR fil))
            OR ((explosé OR explose OR exploser OR explosée) NEAR/4 (batterie OR chargeur OR téléphone OR portable
                OR appareil OR écran OR bouteille OR pile OR bocal OR autocuiseur OR cocotte OR trottinette OR vitre
                OR verre OR four OR ballon OR pneu OR main OR figure OR visage))
            OR électrocuté OR électrocutée OR électrocution OR électrocuter OR "s'électrocuter" OR "décharge électrique"
            OR (décharge NEAR/3 (électrique OR prend OR pris OR prends OR touche OR toucher OR reçu OR pris))
            OR "pris le jus" OR "prend le jus" OR "fils dénudés" OR "fil dénudé"
            OR blessé OR blessée OR blessés OR blessées OR blessure OR blessures OR blesser OR "se blesser"
            OR ((coupé OR coupée OR entaillé) NEAR/3 (doigt OR doigts OR main OR lèvre OR pied OR bouche OR langue))
            OR "points de suture" OR saigne OR saignait OR saignement OR "du sang" OR entaille
            OR intoxication OR intoxiqué OR intoxiqués OR intoxiquée OR intoxiquées OR intox OR empoisonné
            OR empoisonnée OR empoisonnement OR salmonelle OR listeria OR "e coli" OR botulisme
            OR allergie OR allergique OR allergiques OR anaphylactique OR allergène OR allergènes OR "traces d'arachide"
            OR danger OR dangereux OR dangereuse OR dangereuses OR "mise en danger"
            OR urgences OR hôpital OR hospitalisé OR hospitalisée OR pompiers OR samu OR "numéro d'urgence"
            OR "appelé le 15" OR "appeler le 15" OR "appelé le 18" OR "appelé le 112" OR ambulance OR "centre antipoison"
            OR "anti poison" OR étouffer OR étouffé OR étouffée OR étouffement OR "s'étouffer" OR "s'étouffe"
            OR vomi OR vomit OR vomir OR vomissements OR vomissement OR diarrhée OR diarrhées
            OR "tombé malade" OR "tombée malade" OR "tombés malades" OR "rendu malade" OR "rendus malades"
            OR "rendue malade" OR (gastro NEAR/5 (mangé OR manger OR après OR repas OR produit OR acheté))
            OR ("mal au ventre" NEAR/5 (mangé OR manger OR après OR repas)) OR ((malade OR malades) ONEAR/3 (après OR mangé OR manger OR consommé OR bu))
            OR (failli NEAR/3 (renverser OR étouffer OR tomber OR mourir OR avaler OR électrocuter OR brûler OR tuer))
            OR "aurait pu mourir" OR "aurait pu y passer" OR "aurait pu être" NEAR/2 (tué OR tuée OR blessé OR blessée
                OR grave OR brûlé) OR "aurait pu" NEAR/3 (incendie OR drame OR mourir)
            OR "risque de tomber" OR "s'il tombe" OR "si elle tombe" OR téléassistance OR dialyse OR insuline
            OR (vital NOT "besoin vital") OR (vitale NOT "carte vitale") OR "morceau de plastique" OR "morceau de verre"
            OR "bout de verre" OR "bout de plastique" OR "éclat de verre" OR "éclats de verre" OR "morceau de métal"
            OR "bout de métal" OR "morceau de fer" OR "corps étranger" OR "verre dans" OR "plastique dans"
            OR ((avalé OR avaler OR avale) NEAR/6 (bébé OR enfant OR fils OR fille OR petit OR petite OR plastique
                OR verre OR pile OR aimant OR morceau))
            OR ((moisi OR moisie OR moisis OR moisies OR moisissure OR moisissures) NEAR/8 (mangé OR avalé OR bébé
                OR enfant OR malade OR malades OR vomi OR "petit pot"))
            OR "rappelez ce produit" OR "rappel du produit" OR "rappel produit" OR "rappel de produit" OR "rappel conso"
            OR rappelconso OR "retirez ce produit" OR "retirer de la vente"
            OR gravissime OR sécurité NEAR/3 (enfant OR enfants OR bébé OR danger)
            OR "fuite de gaz" OR "odeur de gaz" OR "sent le gaz" OR "ça sent le gaz" OR monoxyde OR asphyxie
            OR surchauffe OR surchauffé OR surchauffée OR "chauffe anormalement" OR "a fondu" OR fondu OR fondue NEAR/3
                (prise OR câble OR chargeur OR plastique)
            OR étincelle OR étincelles OR "court circuit" OR projeté OR projetée OR "siège auto" NEAR/6 (ouvert
                OR ouvert OR cassé OR lâché OR défaillant OR détaché))");
  reason("safety_risk", "en",
         R"("caught fire" OR "catch fire" OR "catching fire" OR "catches fire" OR "set fire" OR "set on fire"
            OR "on fire"
            OR (fire NEAR/3 (charger OR battery OR plug OR socket OR heater OR kitchen OR brigade OR alarm OR hazard
                OR risk OR started OR start OR department OR engine OR extinguisher OR oven OR toaster OR microwave
                OR dryer OR laptop OR phone OR scooter OR ebike OR house OR flat OR bedroom OR room OR wiring
                OR service OR fighters OR crew OR blanket OR dangerous))
            OR firefighters OR flames OR burn OR burns OR burned OR burnt OR burning OR scorched OR scorch
            OR scalded OR scald OR scalding OR blistered OR blisters
            OR smoke OR smoking OR exploded OR explosion OR explode OR exploding OR explodes
            OR ("blew up" NEAR/4 (battery OR charger OR phone OR laptop OR vape OR bottle OR scooter OR face))
            OR "electric shock" OR electrocuted OR electrocution OR electrocute
            OR (shock NEAR/3 (electric OR got OR gave OR touched OR touching OR get OR gives OR getting))
            OR "shocked me" OR zapped OR "live wire" OR "exposed wire" OR "exposed wires" OR "exposed wiring"
            OR injured OR injury OR injuries OR injuring OR hurt OR hospital OR hospitali?ed OR "a&e" OR {ER} OR "emergency room"
            OR "urgent care" OR ambulance OR paramedics OR paramedic OR "poison control" OR "called 111"
            OR stitches OR "cut my" NEAR/2 (finger OR hand OR fingers OR thumb OR mouth OR lip OR foot OR leg)
            OR "sliced my" OR "food poisoning" OR poisoning OR poisoned OR salmonella OR listeria OR "e coli"
            OR botulism OR vomit OR vomiting OR vomited OR "throwing up" OR "threw up" OR diarrhoea OR diarrhea
            OR ((sick OR ill) NEAR/4 (eating OR ate OR eaten OR drinking OR drank OR "after")) OR "made me sick"
            OR "made us sick" OR "made him sick" OR "made her sick" OR "made my" NEAR/3 (sick OR ill)
            OR allergic OR allergy OR allergies OR ((allergen OR allergens) NEAR/4 (undeclared OR label OR labelling
                OR missing OR contains OR contained OR listed)) OR undeclared OR anaphylaxis OR anaphylactic
            OR epipen OR choking OR choke OR choked OR swallowed OR swallow OR suffocation OR suffocate OR strangled
            OR dangerous OR danger OR hazard OR hazardous OR unsafe OR "death trap" OR "health risk"
            OR ((melted OR melting OR melt) NOT (heart NEAR/3 (melted OR melting OR melt)))
            OR overheating OR overheated OR overheats OR overheat OR "too hot to touch" OR "red hot"
            OR sparks OR sparking OR sparked OR 999 OR 911 OR "emergency services" OR "life or death"
            OR "could have died" OR "could've died" OR "nearly died" OR "almost died" OR "could have been killed"
            OR "could have killed" OR "gets hurt" OR "get hurt" OR "gets killed" OR "get killed"
            OR "personal alarm" OR "heart condition" OR "gas leak" OR "smell of gas" OR "smells of gas"
            OR "gas smell" OR "smell gas" OR "carbon monoxide" OR "co alarm" OR "co detector"
            OR "foreign object" OR "foreign body" OR "glass in" OR "piece of glass" OR "shard of glass"
            OR "shards of glass" OR "bits of glass" OR "piece of metal" OR "metal in" OR "piece of plastic"
            OR "plastic in my" OR "plastic in the" OR "plastic in her" OR "plastic in his" OR "bolt in"
            OR "screw in my" OR maggot OR maggots OR cockroach
            OR ((mould OR mold OR mouldy OR moldy) NEAR/8 (ate OR eaten OR eating OR sick OR ill OR baby OR toddler
                OR child OR kids OR son OR daughter))
            OR coeliac OR celiac OR "gluten free" NEAR/6 ill OR stranded OR "product recall" OR recalled
            OR ((recall NEAR/3 (product OR batch OR model OR item OR safety OR these OR issued OR notice)) NOT ("don't recall"
                OR "do not recall" OR "can't recall" OR "cant recall" OR "dont recall"))
            OR shattered OR "nearly hit" OR "hit my" OR lump OR bleeding OR blood
            OR (safety NEAR/3 (child OR children OR kids OR risk OR issue OR concern OR hazard))
            OR ((toddler OR baby OR child OR son OR daughter OR kid OR kids OR newborn OR infant) NEAR/6 (swallowed
                OR choked OR choking OR trapped OR injured OR burned OR burnt OR "fell off" OR fell))
            OR "sos" OR "unaccompanied minor" OR ((newborn OR baby OR toddler) NEAR/8 ("no heating" OR freezing
            OR "no power" OR "no electricity")))");

  // ---------------------------------------------------------------- fraud
  // Money taken without consent, hacked accounts, phishing, identity theft,
  // data breaches. "débité deux fois" / "charged twice" alone is billing.
  reason("fraud", "fr",
         R"(arnaque OR arnaques OR arnaqué OR arnaquée OR arnaqués OR arnaquer OR arnaqueur OR arnaqueurs
            OR escroquerie OR escroqueries OR escroc OR escrocs OR escroqué OR escroquée OR escroqués
            OR "prélevé sans" OR "prélevée sans" OR "prélèvement sans" OR "prélèvements sans" OR "débité sans"
            OR "débitée sans" OR "sans mon accord" OR "sans mon autorisation" OR "sans autorisation"
            OR "sans mon consentement" OR "sans mon aval" OR "à mon insu" OR ("sans me demander" OR "sans me prévenir")
                NEAR/5 (prélevé OR débité OR prélèvement OR souscrit OR abonné OR abonnée)
            OR "sans aucun document signé" OR "non autorisé" OR "non autorisés" OR "non autorisée"
            OR "non autorisées" OR (jamais NEAR/2 (autorisé OR autorisés OR autorisée OR autorisées OR souscrit
            OR commandé OR signé OR validé OR effectué OR fait))
            OR (("n'ai pas" OR "j'ai pas" OR "ai jamais") ONEAR/1 (fait OR faite OR faits OR effectué OR effectués
                OR effectuée OR autorisé OR autorisée OR autorisés OR souscrit OR signé OR validé))
            OR (("reconnais pas" OR "connais pas" OR inconnu OR inconnus OR inconnue OR inconnues OR suspect
                OR suspects OR suspecte OR suspectes OR bizarre OR bizarres) NEAR/4 (prélèvement OR prélèvements
                OR paiement OR paiements OR débit OR débits OR achat OR achats OR opération OR opérations
                OR virement OR virements OR transaction OR transactions OR retrait OR retraits))
            OR piraté OR piratée OR piratés OR piratage OR pirate OR pirates OR hacké OR hackée OR hacker OR hackers
            OR hameçonnage OR phishing OR smishing OR "fuite de données" OR "fuite des données" OR "vol de données"
            OR "données volées" OR "données piratées" OR ("mes données" NEAR/4 (volées OR piratées OR fuité OR fuitées
                OR divulguées OR revendues OR exposées OR "dans la nature"))
            OR usurpation OR usurpé OR usurpée OR "vol d'identité" OR "identité volée" OR "volé mon identité"
            OR "débit frauduleux" OR frauduleux OR frauduleuse OR frauduleuses OR fraudeur OR fraudeurs
            OR ((fraude OR fraudes) NOT "répression des fraudes")
            OR "sim swap" OR "s'est fait passer" OR "se faire passer" OR "se faisant passer" OR "se fait passer"
            OR "faux conseiller" OR "faux conseillers" OR "fausse conseillère" OR "faux mail" OR "faux mails"
            OR "faux sms" OR "faux site" OR "faux message" OR "faux messages" OR "faux numéro" OR "faux agent"
            OR "faux technicien" OR "faux livreur" OR "faux appel" OR "mes codes" OR "son code" OR "en mon nom"
            OR ((carte OR cb) NEAR/3 (clonée OR cloné OR copiée OR piratée OR volée OR usurpée OR utilisée))
            OR ((compte OR comptes) NEAR/3 (vidé OR vidés OR siphonné OR piraté OR hacké))
            OR (((quelqu'un OR inconnu OR "un tiers") ONEAR/4 (utilisé OR commandé OR accédé OR connecté OR vidé
                OR souscrit OR changé OR modifié OR ouvert OR pris)) ONEAR/3 (mon OR ma OR mes OR "en mon nom"))
            OR (opposition NEAR/3 (carte OR cb)) OR "j'ai appelé personne" OR "jamais appelé" OR "pas moi" OR "démarcheur" OR "abus de faiblesse")");
  reason("fraud", "en",
         R"(scam OR scams OR scammed OR scammer OR scammers OR scamming OR fraud OR fraudulent OR fraudster
            OR fraudsters OR fraudulently
            OR "without my consent" OR "without my permission" OR "without permission" OR "without my knowledge"
            OR "without authorisation" OR "without authorization" OR "without consent" OR "without asking"
            NEAR/5 (charged OR took OR taken OR debited OR signed) OR unauthori?ed
            OR ((not OR never OR "didn't" OR didnt OR "did not") NEAR/1 (authorise OR authorize OR authorised
                OR authorized))
            OR ("didn't make" OR "did not make" OR "didnt make" OR "never made" OR "i didn't order"
                OR "i did not order" OR "never placed")
            OR (("don't recognise" OR "don't recognize" OR "dont recognise" OR "dont recognize" OR "do not recognise"
                OR "do not recognize" OR "didn't recognise" OR unknown OR suspicious OR strange OR random) NEAR/4
                (transaction OR transactions OR payment OR payments OR charge OR charges OR debit OR debits
                OR purchase OR purchases OR transfer OR transfers OR payee OR withdrawal OR withdrawals))
            OR hacked OR hacker OR hackers OR hacking OR phishing OR smishing OR vishing OR spoofed OR spoofing
            OR "data breach" OR "data leak" OR "leaked my" OR ((data OR details) NEAR/3 (leaked OR stolen
                OR breach OR compromised OR sold OR exposed)) OR compromised
            OR "identity theft" OR "identity fraud" OR "stole my identity" OR "stolen identity" OR stolen
            OR "in my name" OR "sim swap" OR "wasn't me" OR "was not me" OR "new payee" OR cloned OR skimmed
            OR skimming OR impersonating OR impersonated OR impersonation OR "posing as" OR "pretending to be"
            OR "fake text" OR "fake email" OR "fake call" OR "fake website" OR "fake agent" OR "fake caller"
            OR "fake number" OR "fake bank" OR "scam text" OR "scam call" OR "scam email"
            OR (someone ONEAR/4 (used OR ordered OR accessed OR logged OR opened OR took OR changed OR emptied
                OR hacked OR withdrew OR spent))
            OR ((account OR card) NEAR/3 (emptied OR drained OR cloned OR compromised OR taken))
            OR (money NEAR/3 (stolen OR vanished OR disappeared))
            OR (taken NEAR/3 account) OR robbed OR "never signed up" OR "didn't sign up" OR "did not sign up" OR "didnt sign up" OR "never ordered" OR "empty it"
            OR "signed up" NEAR/8 consent)");

  // ---------------------------------------------------------------- vulnerable_person
  reason("vulnerable_person", "fr",
         R"("personne âgée" OR "personnes âgées" OR "7? ans" OR "8? ans" OR "9? ans" OR "soixante dix*"
            OR "quatre vingt*" OR handicap OR handicapé OR handicapée OR handicapés OR handicapant
            OR "en fauteuil" OR "fauteuil roulant" OR enceinte OR bébé OR bébés OR nourrisson OR "petit pot"
            OR "lait infantile" OR malade OR maladie OR chimio OR chimiothérapie OR cancer OR dialyse OR diabétique
            OR insuline OR alzheimer OR parkinson OR téléassistance OR curatelle OR tutelle OR "sans chauffage"
            OR "sans eau chaude" OR "en plein hiver" OR "il fait zéro" OR "il gèle" OR "vit seul" OR "vit seule"
            OR décédé OR décédée OR décès OR veuve OR veuf OR aveugle OR malvoyant OR malvoyante OR sourd
            OR sourde OR "lit médicalisé" OR infirmière OR hospitalisé OR hospitalisée
            OR "maison de retraite" OR ehpad OR "grand mère" OR "grand père"
            OR "mobilité réduite" OR pmr OR béquilles OR "assistance respiratoire" OR cardiaque
            OR pacemaker OR "stimulateur cardiaque" OR autiste OR autisme OR épileptique OR épilepsie
            OR dépression OR suicidaire OR détresse OR "santé mentale" OR deuil OR obsèques OR enterrement
            OR "mère célibataire" OR "maman solo" OR "seule avec" NEAR/3 (enfants OR bébé OR enfant)
            OR "tout mon loyer" OR "mon loyer" OR rsa OR "minima sociaux" OR précarité OR "sans revenus"
            OR "plus un sou" OR "pour manger" OR "de quoi manger" OR "au chômage"
            OR ((fille OR fils OR enfant OR petite OR petit OR garçon) ONEAR/2 ("? ans" OR "? mois" OR "?? mois"
                OR "un an" OR "deux ans" OR "trois ans" OR "quatre ans" OR "cinq ans" OR "six ans" OR "sept ans"
                OR "huit ans" OR "neuf ans" OR "dix ans" OR "onze ans" OR "douze ans" OR "deux mois" OR "trois mois"
                OR "six mois"))
            OR "deux petits" OR "trois enfants" OR "mes enfants" NEAR/5 (froid OR chauffage OR eau) OR vulnérable
            OR "maladie chronique" OR "sous oxygène" OR invalidité OR "personne handicapée")");
  reason("vulnerable_person", "en",
         R"(elderly OR pensioner OR pensioners OR "old age" OR oap OR "7? year old" OR "8? year old" OR "9? year old"
            OR "7?yo" OR "8?yo" OR "9?yo" OR "?yo"
            OR ((mum OR mom OR mother OR dad OR father OR grandad OR grandma OR granddad OR gran OR nan OR grandmother
                OR grandfather OR neighbour OR neighbor OR "she's" OR "he's" OR "i'm") NEAR/2 (7? OR 8? OR 9?))
            OR disabled OR disability OR disabilities OR wheelchair OR pregnant OR baby OR newborn OR infant OR toddler
            OR "year old" OR "years old" OR "yr old" OR "2yo" OR "1yo" OR "3yo" OR "4yo" OR chemo OR chemotherapy
            OR cancer OR dementia OR alzheimer OR "alzheimer's" OR "heart condition" OR dialysis OR diabetic OR insulin
            OR "no heating" OR "no hot water" OR "in winter" OR freezing OR vulnerable OR housebound OR "lives alone"
            OR "passed away" OR died OR bereaved OR bereavement OR widow OR widowed OR blind OR deaf OR carer
            OR "care home" OR "nursing home" OR hospice OR terminal OR "terminally ill" OR palliative
            OR "personal alarm" OR "fixed income" OR "on benefits" OR "universal credit"
            OR "can't afford" OR "cant afford" OR "lost my job" OR "lost my income" OR "single mum"
            OR "single parent" OR "unaccompanied minor" OR "mobility scooter" OR crutches OR "blue badge"
            OR "hearing aid" OR "visually impaired" OR "partially sighted" OR "learning disability" OR autism
            OR oxygen OR ventilator OR "medical equipment" OR "life support" OR pacemaker OR stairlift
            OR epilepsy OR epileptic OR suicidal OR depression OR anxiety OR stroke OR copd
            OR "my child" OR "my son" NEAR/3 (autism OR autistic OR ill) OR autistic OR ill OR sick NOT ("sick of"
                OR "sick and tired")
            OR "mental health" OR "power of attorney" OR coeliac OR "minor")");

  // ---------------------------------------------------------------- churn_intent
  reason("churn_intent", "fr",
         R"(résilier OR résiliation OR résilie OR résilierai OR résilié OR résiliée OR "je pars" OR "je quitte"
            OR "je m'en vais" OR "je me casse" OR "on se casse" OR "on s'en va" OR "changer d'opérateur"
            OR "changer de banque" OR "changer de fournisseur" OR "changer d'assurance" OR "changer d'assureur"
            OR "changer de compagnie" OR "changer de crémerie" OR concurrence OR "chez la concurrence"
            OR "chez un concurrent" OR "chez les concurrents" OR "je passe chez" OR "je vais chez"
            OR "passer chez" NEAR/3 (concurrent OR free OR sfr OR orange OR bouygues) OR "partir chez"
            OR "aller voir ailleurs" OR ailleurs OR "dernière fois que" OR "dernier voyage" OR "dernière commande"
            OR "dernier achat" OR "dernière fois chez" OR "plus jamais" OR "dernier mois" OR désabonnement
            OR désabonné OR désabonnée OR "me désabonner" OR désinscrire OR "me désinscrire" OR "supprimer mon compte"
            OR portabilité OR "mobilité bancaire" OR clôturer OR clôture OR "fermer mon compte" OR "fermer mes comptes"
            OR "renouvellerai pas" OR "renouvelle pas" OR "renouvellerai plus" OR adieu OR "bye bye"
            OR "je m'en vais" OR "vous quitter" OR "vais partir" OR "je vous quitte" OR "sans moi"
            OR "impossible de partir" OR "laisser partir" OR "me laisser partir" OR "vous m'avez perdu"
            OR "perdu un client" OR "perdez un client" OR "ex client" OR "rends ma carte" OR "rendre ma carte"
            OR "mettre fin" NEAR/4 (contrat OR abonnement OR engagement OR adhésion OR forfait)
            OR ((annuler OR "l'annuler") NEAR/5 (abonnement OR contrat OR adhésion OR forfait OR assurance
                OR souscription OR option))
            OR "achèterai plus" OR "commanderai plus" OR "reviendrai plus" OR "reviendrai pas" OR "prendrai plus"
            OR "volerai plus" OR "utiliserai plus" OR "on ne m'y reprendra plus" OR boycott OR boycotter
            OR "code rio")");
  reason("churn_intent", "en",
         R"(((cancel OR cancelling OR canceling OR cancelled OR canceled OR cancellation) NEAR/4
             (subscription OR contract OR account OR membership OR plan OR broadband OR line OR service
              OR "direct debit" OR sub OR priority OR premium OR policy OR package OR "add on" OR insurance
              OR "season ticket" OR pass OR renewal OR "loyalty"))
            OR "want to cancel" OR "how do i cancel" OR "how to cancel" OR "how can i cancel" OR "like to cancel"
            OR "need to cancel" OR "trying to cancel" OR "tried to cancel" OR "cancel it" OR "cancelled with"
            OR "cancel everything" OR "switching to" OR "switch to" OR "switched to" OR switching OR "switch away"
            OR "moving to" OR "other providers" OR "another provider" OR "new provider"
            OR "never again" OR "last time i" OR "never buying" OR "never using" OR "never ordering"
            OR "never flying" OR "never shopping" OR "never use" OR "won't be using" OR "won't be back"
            OR "won't be returning" OR "won't be ordering" OR "won't be flying" OR "close my account"
            OR "closing my account" OR "close my" OR "closed my account" OR "closing everything"
            OR "close everything" OR "delete my account" OR "deleting my account" OR "deleted the app"
            OR "taking my business elsewhere" OR elsewhere OR "port my number" OR "pac code" OR "done with"
            OR "goodbye" OR "thinking of leaving" OR "want to leave" OR "meant to leave" OR "how do i leave"
            OR "i'm leaving" OR "im leaving" OR "we're leaving" OR "so i'm leaving" OR "leaving as soon"
            OR "leaving the second" OR "leaving the minute" OR "leaving at the end" OR "want out" OR "let me out"
            OR "lost a customer" OR "lost me" OR "former customer" OR "ex customer" OR boycott OR boycotting
            OR "auto renew*" OR "auto renewal" OR autorenew* OR "stop" NEAR/3 (renewing OR renewal)
            OR "end my contract" OR terminate OR "leaving" NEAR/3 (you OR network OR provider OR bank OR after
            OR second OR telemax OR ondine OR aurora OR contract OR soon) OR "won't be renewing" OR "not renewing"
            OR "i'm out" OR "let me leave" OR "exit fee" OR "to leave")");

  // ---------------------------------------------------------------- insult_anger
  reason("insult_anger", "fr",
         R"(honteux OR honteuse OR "une honte" OR "la honte" OR "honte à" OR scandaleux OR scandaleuse OR scandale
            OR inadmissible OR inacceptable OR intolérable OR insupportable OR indigne OR indécent OR odieux
            OR révoltant OR révoltée OR révolté OR indigné OR indignée OR écoeurant OR déplorable OR lamentable
            OR "foutage de gueule" OR foutez OR "se fout" OR "se foutent" OR "vous vous moquez" OR "moquez du monde"
            OR "se moque" OR "se moquent" OR "j'en ai marre" OR marre OR "ras le bol" OR incompétent
            OR incompétents OR incompétente OR incompétentes OR incompétence OR voleurs OR voleur OR escrocs
            OR arnaqueurs OR nuls OR nulle OR pathétique OR "bande de" OR minable OR minables OR merde OR putain
            OR ptn OR bordel OR connards OR connard OR connasse OR conne OR cons OR connerie OR conneries OR abrutis
            OR abruti OR débiles OR débile OR idiot OR idiots OR imbéciles OR imbécile OR crétins OR crétin
            OR guignols OR clowns OR incapables OR incapable OR "bons à rien" OR "bon à rien" OR amateurs OR amateurisme OR "bras cassés" OR enfoirés OR salauds OR pourris
            OR mafia OR mafieux OR racket OR "hors de moi" OR furieux OR furieuse OR furax OR vénère OR vnr
            OR "en colère" OR colère OR énervé OR énervée OR exaspéré OR exaspérée OR excédé OR excédée OR "à bout"
            OR écoeuré OR écoeurée OR dégoûté OR dégoûtée OR dégoûtant OR "n'importe quoi" OR gravissime
            OR "aucune humanité" OR ridicule OR pourri OR pourrie OR "moins que rien" OR dégueulasse
            OR "vous êtes nuls" OR "vous êtes une honte" OR "marre de" OR "j'en peux plus" OR "c'est une blague"
            OR inadmissibles OR "bravo la" OR "foutre" OR "foutu" OR "foutue" OR "je suis folle" OR "je suis fou"
            OR "rage" OR "c'est du vol" OR camelote OR "la pire" OR "le pire" OR pire OR menteur OR menteuse
            OR menteurs OR humiliant OR humiliée OR humilié OR fuyez OR "je hurle" OR "vraie blague" OR escroquerie
            OR "fait chier" OR "faites chier" OR chier OR emmerder OR chiant OR chiants OR fdp OR "pour des cons"
            OR "pour un con" OR "pour une conne" OR "pour des idiots" OR "pour un idiot" OR "pour une idiote"
            OR "pour des pigeons" OR "pour un pigeon" OR abusé OR abusez OR "vous abusez" OR méprisant OR mépris
            OR "jamais vu ça" OR "c'est fini" OR "y en a marre" OR gavé OR gavée OR saoulé OR saoulée)");
  reason("insult_anger", "en",
         R"(disgrace OR disgraceful OR disgusting OR disgusted OR outrageous OR unacceptable OR ridiculous
            OR incompetent OR incompetence OR useless OR pathetic OR furious OR "fed up" OR livid OR joke
            OR shambles OR shambolic OR cowboys OR garbage OR rubbish OR junk OR shocking OR appalling OR fuming
            OR "sick of" OR "sick and tired" OR shit OR crap OR bloody OR damn OR wtf OR ffs OR omfg OR fuck
            OR fucking OR fking OR fkn OR bullshit OR pissed OR "taking the piss" OR "taking the mick"
            OR thieves OR "rip off" OR ripoff OR criminal OR criminals OR crooks OR scumbags OR scum OR "con artists"
            OR conmen OR "daylight robbery" OR clowns OR idiots OR idiot OR idiotic OR stupid OR morons OR moron
            OR muppets OR numpties OR patronising OR patronizing OR condescending OR "how dare" OR angry OR angrier
            OR raging OR outraged OR outrage OR infuriating OR infuriated OR irate OR "beyond angry"
            OR "absolute joke" OR "beyond a joke" OR "sort it now" OR "lock it now" OR "do better" OR "i'm done"
            OR "worst" OR "robbed" OR "lied to" OR liars OR "hung up on me" OR "swore at me" OR seething
            OR "cowboy" OR "clueless" OR nonsense OR "so done" OR "absolute junk" OR "avoid" OR "shame on"
            OR horrendous OR atrocious OR abysmal OR diabolical OR disrespectful OR insulting OR "enough is enough"
            OR "had enough" OR "are you kidding" OR "kidding me" OR "stop telling me" OR "fobbed off" OR scandalous
            OR laughable OR embarrassing OR "i hate" OR "hate you" OR contempt OR disgraced)");

  // ---------------------------------------------------------------- repeated_failure
  reason("repeated_failure", "fr",
         R"("encore une fois" OR "une fois de plus" OR "énième fois" OR "nième fois" OR "deuxième fois"
            OR troisième OR quatrième OR cinquième OR sixième OR septième OR huitième OR dixième OR énième
            OR "depuis des semaines" OR "depuis des mois" OR "depuis des jours" OR "toujours rien"
            OR "toujours pas" OR "toujours aucun" OR "toujours aucune" OR "toujours sans" OR "toujours en attente"
            OR relancé OR relance OR relances OR relancer OR "à chaque fois" OR "chaque fois"
            OR (encore NEAR/2 (panne OR coupure OR retard OR problème OR coupé OR annulé OR un OR une))
            OR "de nouveau" OR "à nouveau" OR "à plusieurs reprises" OR reprises OR "plusieurs fois"
            OR ((deux OR trois OR quatre OR cinq OR six OR sept OR dix OR 2 OR 3 OR 4 OR 5 OR 6 OR 7 OR 8 OR 10)
                ONEAR/0 (fois OR appels OR mails OR courriers OR réclamations OR relances OR messages OR visites
                OR techniciens OR conseillers OR passages OR pannes OR coupures OR "e-mails"))
            OR "rien n'a changé" OR "toujours le même" OR "toujours la même" OR "depuis le"
            OR "ça fait" NEAR/3 (jours OR semaines OR mois) OR "il y a" ONEAR/2 (semaines OR mois)
            OR "toujours introuvable" OR "reste introuvable" OR "comme d'habitude" OR "comme toujours"
            OR "encore et encore" OR "à répétition" OR récurrent OR récurrente OR récurrents OR systématiquement)");
  reason("repeated_failure", "en",
         R"(again OR "third time" OR "fourth time" OR "fifth time" OR "sixth time" OR "tenth time"
            OR "second time" OR "still waiting" OR "still no" OR "still not" OR "still nothing"
            OR "still haven't" OR "still hasn't" OR "still being" OR "still charged" OR "still broken"
            OR "still down" OR "for weeks" OR "for months" OR "for days" OR "every time" OR "each time"
            OR "yet again" OR chased OR chasing OR "times now" OR "in a row" OR "multiple times"
            OR "several times" OR "keeps happening" OR "over and over" OR "same problem" OR "same issue"
            OR ((two OR three OR four OR five OR six OR seven OR ten OR 2 OR 3 OR 4 OR 5 OR 6 OR 7 OR 10)
                ONEAR/0 (times OR calls OR emails OR visits OR attempts OR occasions OR engineers OR agents
                OR months OR weeks OR chats OR letters OR complaints))
            OR "weeks later" OR "months later" OR "since" NEAR/2 (january OR february OR march OR april OR may
            OR june OR july OR august OR september OR october OR november OR december OR last)
            OR "no one" NEAR/4 (replied OR answered OR called) OR "nobody has" OR "never replied"
            OR "as usual" OR repeatedly OR recurring OR umpteenth OR "running" NEAR/1 (week OR month OR monday
                OR tuesday OR wednesday OR thursday OR friday OR day))");

  // ---------------------------------------------------------------- categories
  category("delivery", "fr",
           R"(livr* OR colis OR transporteur OR "suivi de commande" OR "numéro de suivi" OR "suivi du colis" OR suivi
              OR expédi* OR "point relais" OR relais OR "avis de passage" OR "pas reçu" OR "jamais reçu"
              OR "toujours pas reçu" OR "pas arrivé" OR "pas arrivée" OR "jamais arrivé" OR "jamais arrivée"
              OR colissimo OR chronopost OR dpd OR dhl OR ups OR gls OR "mondial relay" OR casier OR consigne
              OR "boîte aux lettres" OR acheminement OR "ma commande" OR (commande NEAR/4 (partie OR expédiée
                OR envoyée OR arrivée OR reçue OR bloquée OR perdue OR statut OR "en cours"))
              OR (retard NEAR/4 (train OR vol OR livraison OR colis OR tgv OR ter OR avion OR bus OR rer))
              OR "de retard" OR "en retard" OR retardé OR retardée OR retardés OR retardés
              OR ((train OR vol OR tgv OR bus OR ter OR rer) NEAR/3 (annulé OR supprimé OR retardé OR bloqués
                OR bloqué OR arrêté OR supprimés OR annulés))
              OR train OR trains OR tgv OR "mon vol" OR "notre vol" OR "le vol" OR vols OR avion OR aéroport
              OR escale OR embarquement OR gare OR contrôleur OR contrôleurs OR voie OR "bus de remplacement"
              OR correspondance OR quai OR tarmac OR bagage OR bagages OR valise OR valises OR "en préparation"
              OR "en transit" OR entrepôt OR créneau OR monteurs OR monteur OR installateur OR drive
              OR manquant OR manquants OR manquante OR manquantes
              OR installation NEAR/4 (machine OR frigo OR lave OR cuisine OR four OR canapé OR meuble OR meubles
                OR électroménager OR chaudière))");
  category("delivery", "en",
           R"(deliver* OR parcel OR parcels OR package OR packages OR courier OR couriers OR driver OR tracking
              OR tracked OR shipped OR shipping OR shipment OR dispatched OR dispatch OR "not arrived"
              OR "hasn't arrived" OR "never arrived" OR "still not arrived" OR "didn't arrive" OR "did not arrive"
              OR "didnt arrive" OR "never came" OR "never turned up" NEAR/3 (order OR parcel OR package)
              OR "out for delivery" OR "my order" OR (order NEAR/4 (status OR dispatched OR shipped OR arrive
                OR arrived OR where OR late OR tracking OR missing OR lost))
              OR "arrived late" OR "day late" OR "days late" OR "week late" OR "missed you" OR postman OR "royal mail"
              OR evri OR hermes OR dpd OR ups OR fedex OR dhl OR yodel OR "safe place" OR "left outside"
              OR "left with" OR "signed for" OR packaging OR cardboard OR crushed OR squashed
              OR (delayed NEAR/4 (flight OR train OR parcel OR order OR delivery))
              OR ((flight OR train OR bus) NEAR/4 (cancelled OR canceled OR delayed OR late OR stranded))
              OR flight OR flights OR train OR trains OR bus OR rail OR gate OR boarding OR terminal OR tarmac
              OR layover OR delay OR delays OR "running late" OR "delay repay" OR "schedule change" OR rescheduled
              OR platform OR luggage OR baggage OR suitcase OR "lost my bag" OR "missed connection" OR depot
              OR "delivery slot" OR doorstep OR groceries OR substituted OR substitutes OR substitution
              OR "items missing" OR "missing items" OR "half the items" OR "unaccompanied minor"
              OR installation OR install OR installed OR fitters OR fitter)");
  category("returns_refunds", "fr",
           R"(remboursement OR remboursements OR rembourser OR remboursé OR remboursée OR retour OR retours
              OR retourné OR retourner OR renvoyé OR renvoyer OR échange OR échanger OR "bon de retour"
              OR "étiquette de retour" OR "annuler ma commande" OR "annulé ma commande"
              OR "annulation de commande" OR rétractation)");
  category("returns_refunds", "en",
           R"(refund OR refunds OR refunded OR return OR returns OR returned OR returning OR exchange
              OR "money back" OR "return label" OR "store credit" OR "cancel my order" OR "cancelled my order"
              OR "cancel the order" OR rma OR "send it back" OR "sent it back" OR "sent back")");
  category("customer_service", "fr",
           R"("service client" OR "service clients" OR "relation client" OR conseiller OR conseillère OR conseillers
              OR conseillères OR hotline OR "en attente" OR attente OR injoignable OR injoignables OR joindre
              OR joignable OR "personne ne répond" OR "aucune réponse" OR "pas de réponse" OR "sans réponse"
              OR "j'ai eu personne" OR "réponse automatique" OR "réponse auto" OR répondeur OR répondez OR répond
              OR répondu OR réponse OR rappel* OR raccroché OR raccroche OR raccrocher OR transféré OR transférée
              OR "mis en attente" OR "au téléphone" OR (téléphone NEAR/4 (attente OR heure OR heures OR min OR minutes
                OR saturé OR raccroch*)) OR saturé OR saturée OR "temps d'attente" OR "musique d'attente"
              OR "rendez-vous" OR "rendez vous" OR rdv OR technicien OR techniciens OR "jamais venu" OR "pas venu"
              OR "personne n'est venu" OR agent OR agents OR guichet OR comptoir OR accueil OR standard
              OR "répondre" OR malpoli OR malpolie OR impoli OR impolie OR désagréable OR agressif OR agressive
              OR méprisant OR méprisante OR condescendant OR arrogant OR "ri au nez" OR incompétent OR incompétents
              OR incompétente OR incompétence OR formation OR responsable OR "un supérieur" OR manager OR chat
              OR chatbot OR robot OR bot OR messagerie OR "en dm" OR dm OR "en mp" OR "message privé"
              OR formulaire OR "formulaire de contact" OR "un ticket" OR "numéro de ticket" OR "ticket ouvert" OR réclamation OR réclamations OR "qu'on me passe"
              OR "on me passe" OR réexpliquer OR équipe OR team OR personnel OR vendeur OR vendeuse OR "en agence"
              OR agence OR aimable OR serviable OR patient OR patiente OR gentil OR gentille OR "à l'écoute"
              OR "merci à" OR "bravo à" OR chapeau OR "horaires d'ouverture" OR indisponible OR "ce numéro"
              OR "le numéro" OR "numéro de téléphone")");
  category("customer_service", "en",
           R"("customer service" OR "customer services" OR "customer support" OR "customer care" OR support
              OR "the agent" OR "an agent" OR "your agent" OR "one agent" OR "another agent" OR "agent was"
              OR "agent said" OR "agent told" OR agents OR staff OR advisor OR adviser OR advisors OR advisers OR representative OR rep
              OR "on hold" OR hold OR "no answer" OR "no reply" OR "no response" OR unreachable OR "call back"
              OR callback OR "called back" OR "ring back" OR "rang back" OR "hung up" OR "hangs up" OR "hang up"
              OR transferred OR "passed around" OR "pillar to post" OR appointment OR engineer OR engineers
              OR technician OR "no show" OR "didn't turn up" OR "didnt turn up" OR "never turned up" OR "didn't show"
              OR "never showed" OR "waited in" OR "took a day off" OR rude OR helpline OR "live chat" OR chat
              OR chatbot OR bot OR "virtual assistant" OR "call centre" OR "call center" OR "get through"
              OR "got through" OR "getting through" OR "call volumes" OR "on the phone" OR (phone NEAR/4 (hour
                OR hours OR mins OR minutes OR hold OR hung OR wait OR waiting))
              OR "nobody answers" OR "nobody answered" OR "no one answers" OR replied OR reply OR replies
              OR respond OR response OR responded OR dm OR dms OR "support ticket" OR "new ticket" OR "a ticket"
              OR "ticket number" OR "complaint ticket" OR escalate OR escalated OR "complaints team"
              OR "complaints department" OR "customer relations" OR manager OR supervisor OR "team leader"
              OR "a human" OR "real person" OR "speak to someone" OR "talk to someone" OR "speak to a"
              OR "in touch" OR promised OR "was told" OR "told me" OR helpful OR unhelpful OR patient OR kind
              OR friendly OR polite OR impolite OR swore OR shouted OR yelled OR laughed OR condescending
              OR dismissive OR arrogant OR patronising OR "thank you to" OR "thanks to" OR "shout out" OR shoutout
              OR "credit where" OR kudos OR "above and beyond" OR sorted OR "opening hours" OR branch OR "in store"
              OR counter OR "help desk" OR "front desk" OR faq OR "contact form" OR "phone number" OR "phone line" OR queue OR waiting
              OR "fobbed off" OR team OR "hold music")");
  category("product", "fr",
           R"(défectueux OR défectueuse OR défectueuses OR défaut OR défauts OR cassé OR cassée OR cassés OR abîmé
              OR abîmée OR abîmés OR brisé OR brisée OR fêlé OR fêlée OR fendu OR fendue OR troué OR trouée
              OR déchiré OR déchirée OR décousu OR décollé OR décollée OR rouillé OR rouille OR taché OR tachée
              OR délavé OR bouloche OR rétréci OR déformé OR déformée OR affaissé OR affaissée OR bancal OR fragile
              OR "ne fonctionne pas" OR "ne marche pas" OR "marche plus" OR "fonctionne plus" OR "marche pas"
              OR "fonctionne pas" OR qualité OR "pas conforme" OR "non conforme" OR contrefaçon OR fuit OR fuite
              OR panne NEAR/3 (machine OR lave OR frigo OR appareil OR produit) OR "tombé en panne" OR "en panne"
              OR lâché OR lâche OR rayé OR rayée OR fissuré OR fissurée OR moisi OR moisie OR moisis OR moisies
              OR périmé OR périmée OR avarié OR avariée OR rance OR fermenté OR "date de péremption" OR dlc OR lot
              OR garantie OR garanti OR "sav" OR pièce OR écran OR batterie OR chargeur OR bruit OR bruyant
              OR bruyante OR "s'éteint" OR "s'allume plus" OR "charge plus" OR "ferme pas" OR "ferme mal" OR coince
              OR "se coince" OR taille OR tailles OR "trop petit" OR "trop grand" OR "trop petite" OR "trop grande"
              OR "correspond pas" OR "rien à voir" OR description OR fiche OR "la photo" OR "en vrai" OR réalité
              OR mensongère OR mensonger OR trompeuse OR compatible OR compatibilité OR matière OR tissu OR couleur
              OR goût OR odeur OR recette OR ingrédients OR "petit pot" OR "lait infantile" OR "siège auto"
              OR "pris feu" OR brûlé OR décharge OR surchauffe OR fondu OR étincelles OR intoxication OR étouffer
              OR dangereux OR "corps étranger" OR "morceau de" OR "rappelez ce produit" OR "rappel produit"
              OR "mode d'emploi" OR notice OR montage OR modèle OR "format familial" OR air NEAR/3 (paquet OR chips))");
  category("product", "en",
           R"(faulty OR defective OR defect OR defects OR broken OR broke OR "stopped working" OR "doesn't work"
              OR "does not work" OR "not working" OR "won't work" OR quality OR "not as described" OR counterfeit
              OR fake OR leaking OR leaks OR cracked OR scratched OR mouldy OR moldy OR mould OR mold OR expired
              OR "out of date" OR warranty OR guarantee OR guaranteed OR "fell apart" OR "falling apart"
              OR "came apart" OR "came off" OR "coming away" OR "came away" OR flaking OR peeling OR chipped
              OR shedding OR faded OR shrunk OR shrank OR ripped OR torn OR stained OR stain OR wobbly OR wobbling
              OR wobbles OR rocks OR squeaks OR noisy OR rattles OR flimsy OR cheap OR cheaply OR fragile
              OR battery OR screen OR charger OR snapped OR smell OR smells OR chemical OR chemicals OR soggy
              OR stale OR rotten OR "gone off" OR fizzed OR taste OR tastes OR tasted OR recipe OR ingredients
              OR size OR sizing OR "too small" OR "too big" OR "too tight" OR "doesn't fit" OR "does not fit"
              OR colour OR color OR photo OR photos OR picture OR pictured OR description OR listing OR advertised
              OR misleading OR "family size" OR shrinkflation OR compatible OR compatibility OR fixings OR assembly
              OR instructions OR "missing parts" OR "doesn't close" OR "won't close" OR "won't turn on"
              OR "won't switch on" OR "won't charge" OR "won't drain" OR "won't start" OR "switching itself off"
              OR "turns off" OR "switches off" OR "error code" OR replacement OR repair OR "spare part" OR lid
              OR handle OR zip OR strap OR seam OR sole OR stitching OR scorched OR "burning smell" OR "caught fire"
              OR "piece of plastic" OR "plastic in" OR swallowed OR shattered OR "sharp edge" OR dangerous
              OR unsafe OR recall OR "gluten free" OR "true to size" OR "does the" OR "can the"
              OR "come with" OR model OR "memory foam" OR "blackout")");
  category("billing", "fr",
           R"(facture OR factures OR facturé OR facturée OR facturation OR prélèvement OR prélèvements OR prélevé
              OR prélever OR paiement OR payé OR payer OR tarif OR tarifs OR prix OR "hausse" OR augmentation
              OR frais OR débit OR débité OR débitée OR "trop perçu" OR échéancier OR mensualité OR mensualités
              OR indemnisation OR dédommagement OR compensation OR régularisation OR euros OR euro)");
  category("billing", "en",
           R"(bill OR bills OR billed OR billing OR invoice OR invoices OR charge OR charged OR charges OR payment
              OR payments OR paid OR pay OR price OR prices OR "price rise" OR "price increase" OR fee OR fees
              OR "direct debit" OR overcharged OR debit OR compensation OR tariff OR statement OR "late fee")");
  category("cancellation", "fr",
           R"(résili* OR désabonnement OR désabonner OR désinscription OR désinscrire OR "mettre fin" OR préavis
              OR "frais de résiliation" OR portabilité OR "code rio" OR rio OR clôturer OR clôture OR "je pars"
              OR "je quitte" OR "je m'en vais" OR "je vous quitte" OR "vous quitter" OR "changer d'opérateur"
              OR "changer de" NEAR/1 (banque OR fournisseur OR opérateur OR assurance OR assureur OR compagnie)
              OR "passer chez" OR "je passe chez" OR concurrence OR concurrent OR ailleurs OR adieu OR "bye bye"
              OR "fin de contrat" OR "fin du contrat" OR "fin de mon contrat" OR "fin d'engagement" OR "sans engagement"
              OR engagement OR renouvellerai OR renouvellement OR reconduction OR réengagé OR réengagée
              OR réengagement OR "dernier mois" OR "rends ma carte" OR "rendre ma carte" OR "rendre la box"
              OR "renvoyer la box" OR restituer OR restitution OR "supprimer mon compte" OR "fermer mon compte"
              OR fermeture OR "impossible de partir" OR "laisser partir" OR "vais partir" OR "vous m'avez perdu"
              OR ((annuler OR "l'annuler" OR annulation) NEAR/5 (abonnement OR contrat OR adhésion OR forfait
                OR assurance OR souscription OR option)))");
  category("cancellation", "en",
           R"(((cancel OR cancelling OR canceling OR cancelled OR canceled OR cancellation) NEAR/4
               (subscription OR contract OR account OR membership OR plan OR broadband OR line OR service OR sub
                OR insurance OR "add on" OR policy OR "season ticket" OR pass OR premium OR renewal))
              OR ((cancel OR cancelling OR canceling OR cancelled OR canceled OR cancellation) NOT (flight OR flights
                OR train OR trains OR order OR booking OR appointment OR delivery OR bus OR plans OR meeting
                OR event OR concert OR gig))
              OR "want to cancel" OR "how do i cancel" OR "exit fee" OR "early termination" OR "termination fee"
              OR terminate OR leaving OR leave OR "switching to" OR "switch provider" OR "switch away" OR switch
              OR switching OR "new provider" OR "other providers" OR "pac code" OR "port my number" OR "notice period"
              OR notice OR "close my account" OR "closing my account" OR "closed my account" OR "closing everything"
              OR "end my contract" OR "end of contract" OR "end of my contract" OR "auto renew*" OR autorenew*
              OR renewal OR renewing OR "want out" OR "i'm done" OR "done with" OR "router back" OR "post the router"
              OR "return the router" OR "final bill" OR "stay with us" OR "deleted the app")");
  category("account_technical", "fr",
           R"(panne OR pannes OR coupure OR coupures OR "pas de réseau" OR réseau OR connexion OR "plus de connexion"
              OR internet OR wifi OR "wi fi" OR box OR fibre OR adsl OR "4g" OR "5g" OR appli OR application
              OR "site internet" OR "le site" OR bug OR bugue OR beug OR plante OR crash OR "mot de passe"
              OR identifiant OR identifiants OR connecter OR "me connecter" OR compte OR "espace client"
              OR "mon compte" OR "code de validation" OR "mise à jour" OR débit OR "ne charge pas" OR erreur
              OR paramètres OR "comment faire" OR "comment on")");
  category("account_technical", "en",
           R"(outage OR outages OR down OR "no signal" OR signal OR connection OR "no internet" OR internet OR wifi
              OR "wi fi" OR broadband OR router OR fibre OR fiber OR app OR website OR "web site" OR bug OR glitch
              OR crash OR crashes OR crashing OR "log in" OR login OR "sign in" OR password OR username OR "locked out"
              OR account OR settings OR "two factor" OR "2fa" OR update OR error OR "how do i" OR "how can i"
              OR speed OR "keeps dropping" OR disconnecting)");
  return r;
}

namespace {

bool ValidKind(std::string_view k) { return k == "reason" || k == "category"; }
bool ValidLang(std::string_view l) {
  if (l == "*") return true;
  if (l.size() != 2) return false;
  return l[0] >= 'a' && l[0] <= 'z' && l[1] >= 'a' && l[1] <= 'z';
}


bool IsAsciiAlnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Folded words of a text (ASCII letters/digits and any non-ASCII byte form
// words; everything else separates).
std::vector<std::string_view> Words(std::string_view folded) {
  std::vector<std::string_view> w;
  size_t i = 0;
  while (i < folded.size()) {
    while (i < folded.size() && !(IsAsciiAlnum(static_cast<unsigned char>(folded[i])) ||
                                  static_cast<unsigned char>(folded[i]) >= 0x80))
      ++i;
    size_t b = i;
    while (i < folded.size() && (IsAsciiAlnum(static_cast<unsigned char>(folded[i])) ||
                                 static_cast<unsigned char>(folded[i]) >= 0x80))
      ++i;
    if (i > b) w.push_back(folded.substr(b, i - b));
  }
  return w;
}

int NumberWord(std::string_view w) {
  if (!w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; }) && w.size() <= 4)
    return std::atoi(std::string(w).c_str());
  static constexpr std::pair<std::string_view, int> kWords[] = {
      {"une", 1},   {"un", 1},    {"a", 1},      {"one", 1},      {"deux", 2},    {"two", 2},    {"trois", 3},
      {"three", 3}, {"quatre", 4}, {"four", 4},  {"cinq", 5},     {"five", 5},    {"six", 6},    {"sept", 7},
      {"seven", 7}, {"huit", 8},   {"eight", 8}, {"neuf", 9},     {"nine", 9},    {"dix", 10},   {"ten", 10},
      {"onze", 11}, {"eleven", 11}, {"douze", 12}, {"twelve", 12}, {"quinze", 15}, {"fifteen", 15},
      {"several", 3}, {"plusieurs", 3}};
  for (auto [k, v] : kWords)
    if (w == k) return v;
  return -1;
}

// "3e", "4eme", "5th", "3rd", "2nd" -> 3, 4, 5, 3, 2; ordinal words too.
int Ordinal(std::string_view w) {
  size_t d = 0;
  while (d < w.size() && w[d] >= '0' && w[d] <= '9') ++d;
  if (d > 0 && d <= 3) {
    std::string_view suf = w.substr(d);
    if (suf == "e" || suf == "eme" || suf == "ieme" || suf == "em" || suf == "th" || suf == "rd" || suf == "nd")
      return std::atoi(std::string(w.substr(0, d)).c_str());
    return -1;
  }
  static constexpr std::pair<std::string_view, int> kWords[] = {
      {"deuxieme", 2}, {"second", 2},   {"troisieme", 3}, {"third", 3},   {"quatrieme", 4}, {"fourth", 4},
      {"cinquieme", 5}, {"fifth", 5},   {"sixieme", 6},   {"sixth", 6},   {"septieme", 7},  {"seventh", 7},
      {"huitieme", 8}, {"eighth", 8},   {"dixieme", 10},  {"tenth", 10},  {"enieme", 5},    {"nieme", 5},
      {"umpteenth", 5}};
  for (auto [k, v] : kWords)
    if (w == k) return v;
  return -1;
}

// Unit of a duration word: 1 day, 7 week, 30 month, 365 year; 0 otherwise.
int UnitDays(std::string_view w) {
  if (w == "jour" || w == "jours" || w == "day" || w == "days") return 1;
  if (w == "semaine" || w == "semaines" || w == "week" || w == "weeks") return 7;
  if (w == "mois" || w == "month" || w == "months") return 30;
  if (w == "an" || w == "ans" || w == "annee" || w == "annees" || w == "year" || w == "years") return 365;
  return 0;
}

// Repeated or long failure from numbers: returns the evidence or "".
std::string RepeatedFromNumbers(const std::vector<std::string_view>& w) {
  for (size_t i = 0; i < w.size(); ++i) {
    // "3e fois", "third time", "5th time"
    int ord = Ordinal(w[i]);
    if (ord >= 2 && i + 1 < w.size() && (w[i + 1] == "fois" || w[i + 1] == "time")) {
      return std::string(w[i]) + " " + std::string(w[i + 1]);
    }
    // "depuis N jours", "for N weeks", "N semaines que", "ça fait N jours"
    int n = NumberWord(w[i]);
    if (n >= 1 && i + 1 < w.size()) {
      int unit = UnitDays(w[i + 1]);
      if (unit == 0 || unit == 365) continue;
      const int days = n * unit;
      if (days < 3) continue;
      std::string_view before = i > 0 ? w[i - 1] : std::string_view();
      std::string_view before2 = i > 1 ? w[i - 2] : std::string_view();
      std::string_view after = i + 2 < w.size() ? w[i + 2] : std::string_view();
      const bool lead = before == "depuis" || before == "fait" || before == "for" || before == "over" ||
                        before == "past" || before == "last" || before == "pendant" || before == "since" ||
                        before2 == "depuis" || before2 == "for";
      const bool trail = after == "que" || after == "qu" || after == "now" || after == "later" ||
                         after == "sans" || after == "without" || after == "d" || after == "of" ||
                         after == "apres" || after == "plus";
      if (lead || trail) return std::string(w[i]) + " " + std::string(w[i + 1]);
    }
  }
  return std::string();
}

// Capitals ratio among letters; counts letters.
void CapsStats(std::string_view s, int* letters, int* upper) {
  size_t i = 0;
  *letters = 0;
  *upper = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c >= 'a' && c <= 'z') ++*letters;
      else if (c >= 'A' && c <= 'Z') {
        ++*letters;
        ++*upper;
      }
      ++i;
      continue;
    }
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                          static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) {
      ++i;
      continue;
    }
    auto cat = utf8proc_category(cp);
    if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT) {
      ++*letters;
      ++*upper;
    } else if (cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LO || cat == UTF8PROC_CATEGORY_LM) {
      ++*letters;
    }
    i += static_cast<size_t>(n);
  }
}

// Longest run of '!' and whether "?!" / "!?" appears.
void Punct(std::string_view s, int* max_excl, bool* interrobang) {
  *max_excl = 0;
  *interrobang = false;
  int run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '!') {
      ++run;
      *max_excl = std::max(*max_excl, run);
    } else if (s[i] != ' ' || run == 0) {
      run = 0;
    }
    if (i + 1 < s.size() && ((s[i] == '?' && s[i + 1] == '!') || (s[i] == '!' && s[i + 1] == '?'))) *interrobang = true;
  }
}

}  // namespace

// All-caps words (4+ ASCII letters) that make a message angry.
constexpr int kCapsWords = 2;

class RuleSet::Impl {
 public:
  std::vector<CueRule> rules;
  RuleOptions options;
  std::shared_ptr<const match::Engine> engine;
  std::vector<size_t> rule_of;  // engine query id -> index in `rules`
};

namespace {

// A rule is a long OR of cues. The engine evaluates the whole tree of every
// query one of whose terms occurs, so each alternative becomes a query of
// its own (same rule): only the few alternatives whose words occur are
// evaluated. "(a OR b) AND NOT c" splits into "a AND NOT c", "b AND NOT c".
std::vector<match::Node> SplitAlternatives(match::Node root) {
  std::vector<match::Node> out;
  if (root.kind == match::NodeKind::kOr) {
    for (match::Node& child : root.children) out.push_back(std::move(child));
    return out;
  }
  if (root.kind == match::NodeKind::kAnd) {
    for (size_t i = 0; i < root.children.size(); ++i) {
      if (root.children[i].kind != match::NodeKind::kOr) continue;
      std::vector<match::Node> alternatives = std::move(root.children[i].children);
      for (match::Node& alt : alternatives) {
        match::Node conj = root;  // the other conjuncts, copied
        conj.children[i] = std::move(alt);
        out.push_back(std::move(conj));
      }
      return out;
    }
  }
  out.push_back(std::move(root));
  return out;
}

}  // namespace

RuleSet::RuleSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RuleSet::~RuleSet() = default;
size_t RuleSet::size() const { return impl_->rules.size(); }

base::Result<std::shared_ptr<const RuleSet>> RuleSet::Build(std::vector<CueRule> rules, RuleOptions options) {
  std::vector<match::CompiledQuery> queries;
  std::vector<size_t> rule_of;
  for (size_t i = 0; i < rules.size(); ++i) {
    const CueRule& cr = rules[i];
    const std::string where = "rules[" + std::to_string(i) + "] (" + cr.kind + " " + cr.name + ", " + cr.lang + ")";
    if (!ValidKind(cr.kind)) {
      return base::Status::InvalidArgument(where + ": kind: expected \"reason\" or \"category\"");
    }
    if (cr.name.empty()) return base::Status::InvalidArgument(where + ": name: empty");
    if (!ValidLang(cr.lang)) return base::Status::InvalidArgument(where + ": lang: expected a 2-letter code or \"*\"");
    auto q = match::Parse(cr.query);
    if (!q.ok()) return base::Status::InvalidArgument(where + ": query: " + q.status().message());
    for (match::Node& alt : SplitAlternatives(std::move(q->root))) {
      match::CompiledQuery c;
      c.id = static_cast<int64_t>(queries.size());
      c.name = cr.kind + ":" + cr.name + ":" + cr.lang;
      c.query.text = cr.query;
      c.query.root = std::move(alt);
      queries.push_back(std::move(c));
      rule_of.push_back(i);
    }
  }
  auto engine = match::Engine::Build(std::move(queries), nullptr);
  if (!engine.ok()) return engine.status().WithPrefix("rules");
  auto impl = std::make_unique<Impl>();
  impl->rules = std::move(rules);
  impl->options = options;
  impl->engine = std::move(engine).value();
  impl->rule_of = std::move(rule_of);
  return std::shared_ptr<const RuleSet>(std::make_shared<RuleSet>(std::move(impl)));
}

void RuleSet::Detect(const model::Mention& m, std::vector<CueHit>* hits) const {
  hits->clear();
  const std::string_view lang = m.language;
  const bool any_lang = lang.empty() || lang == "und";
  auto add = [&](std::string_view kind, std::string_view name, std::string evidence) {
    for (const CueHit& h : *hits)
      if (h.kind == kind && h.name == name) return;
    hits->push_back(CueHit{std::string(kind), std::string(name), std::move(evidence)});
  };

  for (const match::EngineMatch& em : impl_->engine->Match(m)) {
    const CueRule& rule = impl_->rules[impl_->rule_of[static_cast<size_t>(em.query_id)]];
    if (!any_lang && rule.lang != "*" && rule.lang != lang) continue;
    std::string evidence;
    if (!em.spans.empty()) {
      const match::MatchSpan& first = em.spans.front();
      const std::string& field = first.field == match::MentionField::kTitle ? m.title : m.text;
      // Contiguous spans of one field (a phrase, a NEAR) give one excerpt.
      size_t end = first.end;
      for (const match::MatchSpan& s : em.spans) {
        if (s.field != first.field || s.begin < end) continue;
        if (s.begin - end > 40) break;
        end = s.end;
      }
      if (first.begin <= end && end <= field.size()) evidence = field.substr(first.begin, end - first.begin);
    }
    if (evidence.empty()) evidence = rule.name;
    add(rule.kind, rule.name, std::move(evidence));
  }

  // Non-query detections.
  const bool fr_or_en = any_lang || lang == "fr" || lang == "en";
  if (fr_or_en) {
    thread_local std::string folded;
    folded.clear();
    if (!m.title.empty()) {
      text::FoldAppend(m.title, folded);
      folded += '\n';
    }
    text::FoldAppend(m.text, folded);
    std::string ev = RepeatedFromNumbers(Words(folded));
    if (!ev.empty()) add("reason", "repeated_failure", ev);
  }
  int letters = 0, upper = 0;
  CapsStats(m.text, &letters, &upper);
  if (letters >= 12 && upper * 10 >= letters * 6) {
    add("reason", "insult_anger", "capitals " + std::to_string(upper * 100 / letters) + "%");
  }
  int caps_words = 0;
  std::string caps_example;
  {
    size_t i = 0;
    const std::string& t = m.text;
    while (i < t.size()) {
      while (i < t.size() && !IsAsciiAlnum(static_cast<unsigned char>(t[i])) && static_cast<unsigned char>(t[i]) < 0x80) ++i;
      size_t b = i;
      while (i < t.size() && (IsAsciiAlnum(static_cast<unsigned char>(t[i])) || static_cast<unsigned char>(t[i]) >= 0x80)) ++i;
      if (i == b) {
        ++i;
        continue;
      }
      std::string_view w(t.data() + b, i - b);
      int wl = 0, wu = 0;
      CapsStats(w, &wl, &wu);
      const bool digit = std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!digit && wl >= 4 && wu == wl && wl == static_cast<int>(w.size())) {
        if (caps_words++ == 0) caps_example = std::string(w);
      }
    }
  }
  if (caps_words >= kCapsWords) add("reason", "insult_anger", "capitals: " + caps_example);
  for (std::string_view angry : {"\xF0\x9F\x98\xA1", "\xF0\x9F\xA4\xAC", "\xF0\x9F\x98\xA0", "\xF0\x9F\x91\xBF"}) {
    if (m.text.find(angry) != std::string::npos) {
      add("reason", "insult_anger", std::string(angry));
      break;
    }
  }
  if (m.text.find("\?\?\?") != std::string::npos) add("reason", "insult_anger", "3 x '?'");
  int excl = 0;
  bool interrobang = false;
  Punct(m.text, &excl, &interrobang);
  if (excl >= 3) add("reason", "insult_anger", std::to_string(excl) + " x '!'");
  else if (interrobang) add("reason", "insult_anger", "'?!'");
  if (m.author.followers && *m.author.followers >= impl_->options.high_reach_followers) {
    add("reason", "high_reach", std::to_string(*m.author.followers) + " followers");
  }
  std::stable_sort(hits->begin(), hits->end(), [](const CueHit& a, const CueHit& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.name < b.name;
  });
}

}  // namespace ecoute::classify
