// The demo's text content, written for ecoute (no text copied from any data
// set). Template language: see content.h. Every scenario exists in French and
// in English with the same labels.
#include <string_view>
#include <vector>

#include "demo/content.h"

namespace ecoute::demo::internal {
namespace {

// ---------------------------------------------------------------------------
// People, places and sector vocabulary.
constexpr std::string_view kVocabulary = R"DSL(
@part first_f
fr: [Julie|Camille|Léa|Manon|Chloé|Emma|Sarah|Inès|Pauline|Marion|Claire|Sophie|Élodie|Aurélie|Nathalie|Isabelle|Céline|Laura|Anaïs|Mathilde|Clémence|Lucie|Margaux|Océane|Justine|Hélène|Sylvie|Valérie|Christine|Agnès|Fatima|Yasmine|Nadia|Amandine|Charlotte|Juliette|Zoé|Louise|Alice|Jeanne|Estelle|Gaëlle|Noémie|Maëlle|Sandrine]
en: [Emily|Sarah|Jessica|Hannah|Laura|Rachel|Megan|Sophie|Chloe|Olivia|Amy|Emma|Lucy|Grace|Ellie|Charlotte|Rebecca|Kate|Claire|Natalie|Jennifer|Ashley|Michelle|Amanda|Nicole|Siobhan|Aoife|Niamh|Priya|Fiona|Helen|Joanne|Lisa|Karen|Anna|Molly|Isla|Freya|Maya|Zara]
@part first_m
fr: [Thomas|Nicolas|Julien|Maxime|Antoine|Kévin|Alexandre|Romain|Guillaume|Sébastien|Mathieu|Florian|Jérôme|Stéphane|Olivier|Laurent|Christophe|Frédéric|Benoît|Damien|Hugo|Lucas|Théo|Louis|Nathan|Enzo|Mehdi|Karim|Yann|Loïc|Pierre|Paul|Arnaud|Cédric|Vincent|François|Philippe|Bruno|Quentin|Adrien|Gaël|Jean|Rémi|Baptiste|Samuel]
en: [James|John|Michael|David|Daniel|Matthew|Chris|Andrew|Tom|Ben|Jack|Harry|Oliver|George|Sam|Ryan|Josh|Luke|Adam|Mark|Paul|Steven|Kevin|Jason|Brian|Tyler|Connor|Sean|Ciaran|Liam|Raj|Mohammed|Ethan|Noah|Jake|Callum|Owen|Gareth|Neil|Rob]
@part last
fr: [Martin|Bernard|Dubois|Thomas|Robert|Richard|Petit|Durand|Leroy|Moreau|Simon|Laurent|Lefebvre|Michel|Garcia|David|Bertrand|Roux|Vincent|Fournier|Morel|Girard|André|Lefèvre|Mercier|Dupont|Lambert|Bonnet|François|Martinez|Legrand|Garnier|Faure|Rousseau|Blanc|Guérin|Muller|Henry|Roussel|Nicolas|Perrin|Morin|Mathieu|Clément|Gauthier|Dumont|Lopez|Fontaine|Chevalier|Robin|Masson|Sanchez|Gérard|Nguyen|Boyer|Denis|Lemaire|Duval|Joly|Benali|Haddad|Peeters|Janssens|Maes|Favre|Tremblay|Gagnon|Côté]
en: [Smith|Jones|Taylor|Brown|Williams|Wilson|Johnson|Davies|Robinson|Wright|Thompson|Evans|Walker|White|Roberts|Green|Hall|Wood|Jackson|Clarke|Patel|Khan|Lewis|Harris|Martin|Cooper|King|Lee|Baker|Hughes|Murphy|Kelly|O'Brien|Byrne|Ryan|Walsh|Miller|Davis|Anderson|Moore|Thomas|Garcia|Clark|Young|Allen|Scott|Mitchell|Carter|Campbell|Stewart|MacDonald|Reid|Fraser|Singh|Ahmed|Turner|Parker|Collins|Edwards|Morgan]

@part city_FR
fr: [Paris|Lyon|Marseille|Lille|Toulouse|Nantes|Bordeaux|Strasbourg|Rennes|Montpellier|Nice|Grenoble|Dijon|Brest|Tours|Rouen|Angers|Metz|Clermont-Ferrand|Poitiers|Reims|Limoges|Perpignan|Amiens|Caen|Besançon|Orléans|Annecy]
en: [Paris|Lyon|Marseille|Lille|Toulouse|Nantes|Bordeaux|Nice]
@part city_BE
fr: [Bruxelles|Liège|Namur|Charleroi|Mons|Louvain-la-Neuve]
en: [Brussels|Liège|Namur]
@part city_CH
fr: [Genève|Lausanne|Neuchâtel|Fribourg|Sion|Montreux]
en: [Geneva|Lausanne|Zurich]
@part city_CA
fr: [Montréal|Québec|Gatineau|Sherbrooke|Trois-Rivières|Laval]
en: [Toronto|Ottawa|Vancouver|Calgary|Halifax|Winnipeg]
@part city_GB
fr: [Londres|Manchester|Édimbourg]
en: [London|Manchester|Leeds|Bristol|Glasgow|Birmingham|Liverpool|Edinburgh|Cardiff|Newcastle|Sheffield|Nottingham|Brighton|Belfast]
@part city_US
fr: [New York|Boston|Chicago]
en: [New York|Boston|Chicago|Seattle|Austin|Denver|Atlanta|Portland|Philadelphia|San Diego|Miami|Minneapolis]
@part city_IE
fr: [Dublin|Cork]
en: [Dublin|Cork|Galway|Limerick|Waterford|Kilkenny]

@part route
fr: [Paris–Lisbonne|Lyon–Porto|Nantes–Marrakech|Bruxelles–Nice|Genève–Londres|Paris–Montréal|Bordeaux–Dublin|Marseille–Rome|Lille–Barcelone|Toulouse–Berlin|Paris–Athènes|Nice–Copenhague]
en: [London–Nice|Dublin–Paris|Manchester–Lisbon|Paris–New York|Edinburgh–Lyon|Bristol–Porto|London–Rome|Dublin–Barcelona|Toronto–Paris|Boston–Dublin|Birmingham–Geneva]

@part outlet
fr: [Le Courrier Numérique|L'Écho des Conso|Tech & Réseaux|La Gazette de l'Éco|Info Régions Express|Le Quotidien du Commerce|Télécoms Hebdo|Argent Pratique|Voyages & Aérien|Le Fil Conso]
en: [The Daily Ledger|Consumer Wire|TechPulse|Business Morning|The Northern Post|Network Weekly|Money Matters Today|Travel Desk Daily|Retail Insider Review|The Evening Courier]

# --- per sector ---
@part product for=telecom
fr: [ma box{fem}|ma box fibre{fem}|mon décodeur TV{masc}|ma carte SIM{fem}|ma ligne fixe{fem}|mon répéteur wifi{masc}|mon nouveau téléphone{masc}|ma connexion{fem}]
en: [my router|my fibre box|my TV box|my SIM card|my landline|my wifi extender|my new phone|my connection]
@part product for=retail
fr: [mon lave-linge{masc}|ma bouilloire{fem}|mon radiateur d'appoint{masc}|ma lampe de chevet{fem}|mon aspirateur sans fil{masc}|ma cafetière{fem}|mon four micro-ondes{masc}|mon réfrigérateur{masc}|ma plaque de cuisson{fem}|mon sèche-linge{masc}]
en: [my washing machine|my kettle|my space heater|my bedside lamp|my cordless vacuum|my coffee maker|my microwave|my fridge|my hob|my tumble dryer]

@part product for=bank
fr: [ma carte bancaire{fem}|mon appli bancaire{fem}|mon compte en ligne{masc}]
en: [my bank card|my banking app|my online account]
@part product for=airline
fr: [mon vol{masc}|mon billet{masc}|ma réservation{fem}]
en: [my flight|my ticket|my booking]
@part product for=parcel
fr: [mon colis{masc}|mon suivi de colis{masc}|mon envoi{masc}]
en: [my parcel|my parcel tracking|my shipment]

@part item for=telecom
fr: [ma box{fem}|ma nouvelle box{fem}|ma carte SIM{fem}|mon décodeur{masc}|mon téléphone{masc}]
en: [my router|my new box|my SIM card|my TV box|my new phone]
@part item for=parcel
fr: [mon colis{masc}|mon paquet{masc}|ma commande{fem}|mon colis{masc}|ma livraison{fem}]
en: [my parcel|my package|my order|my parcel|my delivery]
@part item for=retail
fr: [ma commande{fem}|mon canapé{masc}|mon lave-linge{masc}|ma table en chêne{fem}|mon matelas{masc}|ma commande{fem}|mon aspirateur{masc}|mon armoire{fem}|ma commode{fem}]
en: [my order|my sofa|my washing machine|my oak table|my mattress|my order|my vacuum cleaner|my wardrobe|my chest of drawers]
@part item for=bank
fr: [ma carte bancaire{fem}|ma nouvelle carte{fem}|mon chéquier{masc}|mon code PIN{masc}|ma carte Visa{fem}]
en: [my debit card|my new card|my chequebook|my PIN letter|my credit card]
@part item for=airline
fr: [ma valise{fem}|mon bagage{masc}|ma valise{fem}|mon bagage en soute{masc}|mon sac de voyage{masc}]
en: [my suitcase|my bag|my luggage|my checked bag|my travel bag]

@part myref for=telemax,ondine
fr: [mon contrat {ref}{masc}|mon dossier {ref}{masc}|mon contrat n° {ref}{masc}|ma ligne (compte {ref}){fem}]
en: [my contract {ref}|my account {ref}|my line (account {ref})|account no. {ref}]
@part myref for=parcel
fr: [mon colis {ref}{masc}|mon colis n° {ref}{masc}|mon colis (suivi {ref}){masc}|l'envoi {ref}{masc}]
en: [my parcel {ref}|parcel no. {ref}|my parcel (tracking {ref})|shipment {ref}]
@part myref for=retail
fr: [ma commande {ref}{fem}|la commande n° {ref}{fem}|ma commande n°{ref}{fem}|ma commande ({ref}){fem}]
en: [my order {ref}|order no. {ref}|order #{ref}|my order ({ref})]
@part myref for=bank
fr: [mon dossier {ref}{masc}|ma demande {ref}{fem}|mon dossier n° {ref}{masc}|ma réclamation {ref}{fem}]
en: [my case {ref}|my request {ref}|case no. {ref}|my claim {ref}]
@part myref for=airline
fr: [ma réservation {ref}{fem}|mon dossier {ref}{masc}|ma réservation (réf. {ref}){fem}|mon billet {ref}{masc}]
en: [my booking {ref}|booking ref {ref}|my reservation {ref}|my ticket {ref}]

@part shipref for=telecom
fr: [ma box (commande {ref}){fem}|la livraison de ma box ({ref}){fem}|mon colis Telemax ({ref}){masc}|ma nouvelle box, commande {ref}{fem}]
en: [my router (order {ref})|the delivery of my box ({ref})|my new box, order {ref}|my router delivery ({ref})]
@part shipref for=parcel
fr: [mon colis {ref}{masc}|mon colis n° {ref}{masc}|mon colis (suivi {ref}){masc}|l'envoi {ref}{masc}]
en: [my parcel {ref}|parcel no. {ref}|my parcel (tracking {ref})|shipment {ref}]
@part shipref for=retail
fr: [ma commande {ref}{fem}|la commande n° {ref}{fem}|ma commande n°{ref}{fem}|ma commande ({ref}){fem}]
en: [my order {ref}|order no. {ref}|order #{ref}|my order ({ref})]
@part shipref for=bank
fr: [ma nouvelle carte (dossier {ref}){fem}|l'envoi de ma carte ({ref}){masc}|ma carte bancaire, dossier {ref}{fem}]
en: [my new card (case {ref})|my card delivery ({ref})|my replacement card, case {ref}]
@part shipref for=airline
fr: [ma valise (dossier {ref}){fem}|mon bagage, dossier {ref}{masc}]
en: [my suitcase (claim {ref})|my bag, claim {ref}]

@part yourship for=telecom
fr: [votre box (commande {ref}){fem}|la livraison de votre box{fem}]
en: [your router (order {ref})|the delivery of your box]
@part yourship for=parcel
fr: [votre colis {ref}{masc}|le colis {ref}{masc}]
en: [your parcel {ref}|parcel {ref}]
@part yourship for=retail
fr: [votre commande {ref}{fem}|la commande {ref}{fem}]
en: [your order {ref}|order {ref}]
@part yourship for=bank
fr: [votre nouvelle carte{fem}|l'envoi de votre carte{masc}]
en: [your new card|your card delivery]
@part yourship for=airline
fr: [votre valise{fem}|votre bagage{masc}]
en: [your suitcase|your bag]

@part reflabel for=telecom
fr: [numéro client|numéro de contrat|numéro de ligne]
en: [account number|contract number|customer number]
@part reflabel for=parcel
fr: [numéro de suivi|numéro de colis|numéro de suivi]
en: [tracking number|parcel number|tracking number]
@part reflabel for=retail
fr: [numéro de commande|numéro de commande|numéro de facture]
en: [order number|order number|invoice number]
@part reflabel for=bank
fr: [numéro de dossier|numéro client|numéro de dossier]
en: [case number|customer number|case number]
@part reflabel for=airline
fr: [référence de réservation|numéro de réservation|numéro de dossier bagage]
en: [booking reference|booking number|baggage claim number]

@part place for=telecom
fr: [en boutique|à l'accueil de la boutique|en magasin]
en: [at the shop|at the store|at the counter]
@part place for=parcel
fr: [au point relais|au dépôt|à l'agence]
en: [at the pickup point|at the depot|at the collection desk]
@part place for=retail
fr: [en magasin|au retrait marchandises|à l'accueil du magasin]
en: [at the store|at the collection desk|at customer services in store]
@part place for=bank
fr: [en agence|au guichet|en agence]
en: [at the branch|at the counter|at my branch]
@part place for=airline
fr: [au comptoir d'enregistrement|à l'embarquement|au comptoir]
en: [at the check-in desk|at the gate|at the service desk]

@part offer for=telecom
fr: [forfait 5G 150 Go à {amount2} par mois|fibre 2 Gb/s à {amount2} par mois la première année|box + mobile à {amount2}|forfait 5G sans engagement à {amount2}]
en: [150GB 5G plan for {amount2} a month|2 Gbps fibre for {amount2} a month in year one|broadband + mobile bundle for {amount2}|no-contract 5G plan for {amount2}]
@part offer for=parcel
fr: [livraison en 24h dès {amount2}|envoi de colis dès {amount2} en point relais|-20 % sur vos envois ce mois-ci]
en: [next-day delivery from {amount2}|send a parcel from {amount2} via pickup points|20% off your shipments this month]
@part offer for=retail
fr: [-30 % sur les canapés|soldes jusqu'à -50 % sur la literie|livraison offerte dès {amount2}|nouvelle collection jardin]
en: [30% off sofas|up to 50% off bedding|free delivery over {amount2}|new garden collection]
@part offer for=bank
fr: [compte sans frais la première année|{amount2} offerts à l'ouverture d'un compte|carte premium à {amount2} par mois|prêt auto à taux réduit]
en: [fee-free account for the first year|{amount2} when you open an account|premium card for {amount2} a month|low-rate car loan]
@part offer for=airline
fr: [{route} dès {amount2}|vols d'été dès {amount2}|bagage en soute offert sur {route}|nouvelle ligne {route}]
en: [{route} from {amount2}|summer flights from {amount2}|free checked bag on {route}|new {route} route]

@part signup for=telecom
fr: [m'abonner chez|passer chez|prendre la fibre chez]
en: [signed up with|switched to|got fibre from]
@part signup for=parcel
fr: [envoyer un colis avec|commander en livraison]
en: [sent a parcel with|got a delivery booked with]
@part signup for=retail
fr: [passer commande chez|commander un canapé chez]
en: [ordered from|bought a sofa from]
@part signup for=bank
fr: [ouvrir un compte chez|demander un prêt chez]
en: [opened an account with|applied for a loan with]
@part signup for=airline
fr: [réserver avec|prendre mes billets chez]
en: [booked with|bought tickets from]

@part prodq for=telecom
fr: [La fibre {brand} est-elle disponible à {city} ?|Le forfait 5G fonctionne-t-il à l'étranger ?|La box est-elle compatible wifi 6 ?|On peut garder son numéro en passant chez {brand} ?|Le décodeur TV est-il inclus dans l'offre ?]
en: [Is {brand} fibre available in {city}?|Does the 5G plan work abroad?|Does the box support wifi 6?|Can I keep my number if I switch to {brand}?|Is the TV box included in the offer?]
@part prodq for=parcel
fr: [Vous livrez en Belgique et en Suisse ?|Quelle est la taille maximale d'un colis en point relais ?|Est-ce que {brand} livre le samedi à {city} ?|On peut envoyer un colis fragile avec {brand} ?]
en: [Do you deliver to Ireland?|What's the maximum parcel size at a pickup point?|Does {brand} deliver on Saturdays in {city}?|Can I send a fragile parcel with {brand}?]
@part prodq for=retail
fr: [Le canapé d'angle gris est-il encore disponible ?|Le lave-linge est-il livré et installé ?|Vous avez ce modèle de table en 180 cm ?|Le magasin de {city} fait-il le retrait en 2 heures ?]
en: [Is the grey corner sofa still in stock?|Is the washing machine delivered and installed?|Do you have this table in 180 cm?|Does the {city} store do click and collect?]
@part prodq for=bank
fr: [Quel est le plafond de paiement de la carte {brand} ?|La carte fonctionne-t-elle à l'étranger sans frais ?|Peut-on ouvrir un compte joint en ligne ?|Apple Pay est-il disponible avec {brand} ?]
en: [What's the spending limit on the {brand} card?|Does the card work abroad without fees?|Can I open a joint account online?|Does {brand} support Apple Pay?]
@part prodq for=airline
fr: [Combien de bagages en cabine sur un vol {brand} ?|Les animaux sont-ils acceptés en cabine ?|Peut-on choisir son siège gratuitement ?|Le vol {route} est-il direct ?]
en: [How many cabin bags on a {brand} flight?|Are pets allowed in the cabin?|Can I choose my seat for free?|Is the {route} flight direct?]

@part prodpraise for=telecom
fr: [La fibre {brand}, c'est le jour et la nuit avec mon ancien opérateur.|Zéro coupure depuis six mois avec {brand}, rien à redire.|Débit au top avec la nouvelle box {brand} !|Installation de la fibre {brand} faite en une heure, technicien nickel.]
en: [{brand} fibre is night and day compared to my old provider.|Not a single outage in six months with {brand}, no complaints.|Great speeds with the new {brand} box!|{brand} fibre installed in an hour, brilliant technician.]
@part prodpraise for=parcel
fr: [Colis {brand} livré en 24h comme promis, parfait.|Le suivi {brand} est enfin précis à la demi-heure près.|Livreur {brand} adorable ce matin, il a monté le colis au 5e sans ascenseur.]
en: [{brand} parcel delivered next day as promised, perfect.|{brand} tracking is finally accurate to the half hour.|Lovely {brand} driver this morning, carried the parcel up five floors.]
@part prodpraise for=retail
fr: [Canapé {brand} reçu, exactement comme sur la photo et super confortable.|Table en chêne {brand} magnifique, finitions impeccables.|Très contente de mon lave-linge {brand}, silencieux et efficace.|Le matelas {brand} a changé mes nuits.]
en: [{brand} sofa arrived, exactly like the photo and really comfy.|Gorgeous {brand} oak table, perfect finish.|Really happy with my {brand} washing machine, quiet and efficient.|The {brand} mattress changed my nights.]
@part prodpraise for=bank
fr: [L'appli {brand} est vraiment bien faite, virement en deux clics.|Conseillère {brand} au top pour mon prêt immobilier.|Carte {brand} acceptée partout pendant mes vacances, aucun frais.]
en: [The {brand} app is really well made, transfers in two taps.|My {brand} adviser was brilliant with my mortgage.|{brand} card worked everywhere on holiday, no fees.]
@part prodpraise for=airline
fr: [Vol {route} avec {brand} parfait, à l'heure et équipage adorable.|Embarquement {brand} rapide, sièges confortables, rien à dire.|Merci à l'équipage {brand} du vol {flight}, aux petits soins avec ma fille.]
en: [{route} with {brand} was perfect, on time and a lovely crew.|Quick boarding with {brand}, comfy seats, no complaints.|Thanks to the {brand} crew on {flight}, so kind to my daughter.]

@part joke for=telecom
fr: [Le wifi {brand} est tellement lent que j'ai eu le temps de relire Proust pendant le chargement d'une page. 😂|Ma box {brand} redémarre plus souvent que moi le matin. 😂|{brand}, le seul opérateur où la barre de réseau est décorative. 😂]
en: [{brand} wifi is so slow I read a whole novel while one page loaded. 😂|My {brand} router reboots more often than I do. 😂|{brand}: the only network where signal bars are decorative. 😂]
@part joke for=parcel
fr: [Mon colis {brand} a fait plus de voyages que moi cette année. 😂|{brand} : « livré en 24h ». Ils n'ont pas précisé lesquelles. 😂|Le suivi {brand} est un roman d'aventure en dix chapitres. 😂]
en: [My {brand} parcel has travelled more than I have this year. 😂|{brand}: "delivered in 24 hours". They didn't say which 24 hours. 😂|{brand} tracking reads like an adventure novel. 😂]
@part joke for=retail
fr: [Commande {brand} livrée en pièces détachées, même celles qui ne devaient pas l'être. 😂|La notice {brand} : trois dessins et une vis en trop. 😂|Chez {brand}, « livraison sous 5 jours » c'est une figure de style. 😂]
en: [{brand} order delivered flat-packed, including the bits that weren't meant to be. 😂|{brand} instructions: three drawings and one spare screw. 😂|At {brand}, "delivery in 5 days" is a figure of speech. 😂]
@part joke for=bank
fr: [Les frais {brand} ont plus d'imagination que mon conseiller. 😂|{brand} me facture même le fait de regarder mon solde. 😂|L'appli {brand} a deux modes : maintenance et maintenance prolongée. 😂]
en: [{brand} fees show more imagination than my adviser. 😂|{brand} will charge me for looking at my balance next. 😂|The {brand} app has two modes: maintenance and extended maintenance. 😂]
@part joke for=airline
fr: [{brand} : « retard de 20 minutes ». Traduction : on se voit demain. 😂|Le seul truc à l'heure chez {brand}, c'est le prélèvement. 😂|Ma valise a vu plus de pays avec {brand} que moi. 😂]
en: [{brand}: "20 minute delay". Translation: see you tomorrow. 😂|The only thing on time at {brand} is the payment. 😂|My suitcase has seen more countries with {brand} than I have. 😂]

@part homonym for=telemax
fr: [Retrouvé le vieux téléviseur Telemax 3000 de mon grand-père au grenier, il marche encore ! 📺|Le Telemax de ma grand-mère, ce poste de télé en bois, trône toujours dans son salon.|Vente de la télécommande universelle Telemax, état neuf, 10 €.]
en: [Found my grandad's old Telemax 3000 TV in the loft and it still works! 📺|My nan still has her wooden Telemax telly in the lounge.|Selling a Telemax universal remote, as new, 10 quid.]
@part homonym for=ondine
fr: [Ondine, le ballet, ce soir à l'opéra de {city}. Magnifique. 🩰|Je relis Ondine de Giraudoux, quelle merveille.|Ondine, c'est le prénom de ma fille, et ça fait toujours sourire.]
en: [Watching Ondine at the ballet in {city} tonight. Stunning. 🩰|Re-reading Ondine, the old water-spirit tale. Gorgeous.|Ondine is my daughter's name and people always smile at it.]
@part homonym for=colibri
fr: [Un colibri dans le jardin botanique ce matin, incroyable. 🐦|La légende du colibri qui « fait sa part », toujours aussi belle.|Ma fille a appelé son doudou Colibri, c'est mignon.]
en: [Saw a colibri (hummingbird) at the botanical garden today, incredible. 🐦|The colibri legend about "doing your part" still gets me.|My daughter named her cuddly toy Colibri, so cute.]
@part homonym for=maisonverte
fr: [Notre maison verte au bout du chemin est enfin repeinte. 🌿|Week-end à la Maison Verte, un gîte adorable dans le Vercors.|La maison verte du coin de la rue est à vendre, elle est superbe.]
en: [Stayed at Maison Verte, a lovely B&B in Provence, highly recommend. 🌿|The green house at the end of our lane is finally painted.|Our holiday cottage this year was called Maison Verte, very French.]
@part homonym for=aurore
fr: [Quelle aurore magnifique ce matin sur le lac. 🌅|Aurore boréale visible cette nuit dans le nord, incroyable.|Ma petite nièce s'appelle Aurore, elle a trois ans aujourd'hui !]
en: [Aurore is such a beautiful name, my niece turns three today!|Watched the aurore over the lake on holiday in France. 🌅|Café Aurore in {city} does the best croissants.]
@part homonym for=aerolune
fr: [Aérolune, le nouveau roman de mon auteur préféré, est sorti !|Ma fille a baptisé sa collection d'avions en papier « AeroLune ». ✨|Spectacle AeroLune ce soir au cirque de {city}, magique.]
en: [My daughter named her paper plane collection "AeroLune". ✨|AeroLune, the new circus show in {city}, was magical.|Just finished AeroLune, what a novel.]
)DSL";

// ---------------------------------------------------------------------------
// Complaints, by category. Labels: see the header of each block.
constexpr std::string_view kComplaints = R"DSL(
@scenario delivery.late intent=complaint cat=delivery sev=low sent=neg reply=yes cues=yes w=30 for=telecom,parcel,retail,bank
fr: J'attends [toujours|encore] {item}, [commandé{e}|promis{e}] il y a {days} jours. [Toujours rien.|Aucune nouvelle.|Rien à l'horizon.|]
fr: {^item} devait arriver le {date} et [toujours rien|je n'ai toujours rien reçu|rien n'est arrivé].
fr: Commande passée le {date}, [livraison prévue sous 48h|livraison annoncée en 3 jours], et {days} jours plus tard [rien|toujours rien|nada].
fr: Ça fait {days} jours que le suivi indique [« en cours d'acheminement »|« en préparation »|« expédié »] pour {shipref}.
fr: {^shipref} est bloqué{e} [au dépôt de {city}|au centre de tri de {city}|quelque part vers {city}] depuis {days} jours.
fr: Aucune nouvelle de {shipref} depuis le {date}. [Il est où ?|C'est normal ?|Quelqu'un sait ?]
en: Still waiting for {item}, [ordered|promised] {days} days ago. [Nothing yet.|No news at all.|Still nothing.|]
en: {^item} was supposed to arrive on {date} and [nothing|still nothing|it never came].
en: Ordered on {date}, [delivery promised within 48 hours|delivery in 3 days they said], and {days} days later [nothing|still nothing].
en: Tracking has said ["in transit"|"preparing"|"dispatched"] for {days} days for {shipref}.
en: {^shipref} has been stuck [at the {city} depot|at the sorting centre in {city}|somewhere near {city}] for {days} days.
en: No news about {shipref} since {date}. [Where is it?|Is this normal?|Anyone know?]

@scenario delivery.lost intent=complaint cat=delivery sev=low sent=neg reply=yes cues=yes w=15 for=telecom,parcel,retail
fr: Le suivi dit que {item} a été livré{e} [hier|le {date}|ce matin] mais je n'ai rien reçu.
fr: Marqué comme livré alors que j'étais chez moi toute la journée. [Où est {item} ?|Il est où ?]
fr: {^shipref} a disparu : [livré{e} selon le suivi|« remis au destinataire »], sauf que personne n'a rien reçu.
fr: [Mon voisin n'a vu aucun livreur|La gardienne n'a vu aucun livreur|Personne n'a vu de livreur] et pourtant {item} est indiqué{e} comme livré{e}.
en: Tracking says {item} was delivered [yesterday|on {date}|this morning] but I never got anything.
en: Marked as delivered while I was home all day. [Where is {item}?|Where is it?]
en: {^shipref} has vanished: [delivered according to tracking|"handed to recipient"], except nobody received anything.
en: [My neighbour|The concierge|My partner] didn't see any driver, yet {item} shows as delivered.

@scenario delivery.damaged intent=complaint cat=delivery sev=low sent=neg reply=yes cues=yes w=10 for=parcel,retail
fr: {^item} est arrivé{e} [cassé{e}|abîmé{e}|complètement écrasé{e}|en morceaux]. [Le carton était défoncé.|L'emballage était ouvert.|Bravo la manutention.]
fr: Reçu {item} aujourd'hui : [carton éventré|un pied cassé|des rayures partout|la vitre brisée].
fr: Le livreur a [jeté|balancé|lancé] {item} par-dessus le portail, résultat : [cassé{e}|abîmé{e}|inutilisable].
en: {^item} arrived [broken|damaged|completely crushed|in pieces]. [The box was smashed.|The packaging was open.|Great handling.]
en: Got {item} today: [box ripped open|a broken leg|scratches everywhere|cracked glass].
en: The driver [threw|tossed|chucked] {item} over the gate, and now it's [broken|damaged|useless].

@scenario delivery.driver intent=complaint cat=delivery sev=low sent=neg reply=yes cues=yes w=10 for=telecom,parcel,retail
fr: Avis de passage déposé [à {time}|ce matin|à midi] alors que j'étais [chez moi|à la maison] toute la journée. Personne n'a sonné.
fr: Le livreur n'a même pas sonné, il a laissé un avis et {item} est parti{e} au point relais [à l'autre bout de {city}|à 5 km|à 20 minutes de chez moi].
fr: Livraison [prévue|annoncée] entre {time} et midi, j'ai posé ma [journée|matinée] pour rien, personne n'est venu.
fr: {^item} a été déposé{e} [devant la porte|chez un voisin que je ne connais pas|dans une poubelle|sous la pluie] sans prévenir.
en: Delivery card left [at {time}|this morning|at noon] while I was home all day. Nobody rang.
en: The driver didn't even ring, just left a card and {item} went to a pickup point [across {city}|3 miles away|20 minutes from home].
en: Delivery [scheduled|promised] between {time} and noon, I took the [day|morning] off for nothing, nobody came.
en: {^item} was left [on the doorstep|with a neighbour I don't know|in a bin|out in the rain] without any notice.

@scenario delivery.baggage intent=complaint cat=delivery sev=low sent=neg reply=yes cues=yes w=16 for=airline
fr: {^item} n'est pas arrivé{e} à {city} après mon vol {flight}. [Ça fait {days} jours.|Toujours aucune nouvelle.|Aucune info au comptoir.]
fr: Bagage perdu sur le vol {flight}[ {route}|], dossier ouvert il y a {days} jours et [silence radio|aucune réponse|rien].
fr: Je suis à {city} [sans vêtements|sans mes affaires|sans ma valise] depuis {days} jours à cause de {brand}.
fr: {^item} a été retrouvé{e} selon l'appli, mais personne ne sait quand [il sera livré|on me le rapportera|je le récupérerai].
en: {^item} never showed up in {city} after flight {flight}. [It's been {days} days.|Still no news.|No info at the desk.]
en: Lost bag on flight {flight}[ {route}|], claim opened {days} days ago and [total silence|no answer|nothing].
en: Stuck in {city} [with no clothes|without my stuff|without my suitcase] for {days} days thanks to {brand}.
en: The app says {item} has been found, but nobody knows when [it will be delivered|I'll get it back].

@scenario delivery.install intent=complaint cat=delivery sev=low sent=neg reply=yes cues=yes w=10 for=telecom
fr: Rendez-vous [d'installation|technicien|de raccordement fibre] [prévu|fixé] le {date} entre {time} et 18h : personne n'est venu.
fr: Deuxième rendez-vous technicien annulé sans prévenir. Toujours pas de fibre.
fr: Le technicien est passé avec {days} jours de retard et est reparti sans rien brancher.
en: [Installation|Technician|Fibre connection] appointment [set|booked] for {date} between {time} and 6pm: nobody showed up.
en: Second technician appointment cancelled without notice. Still no fibre.
en: The technician turned up {days} days late and left without connecting anything.

@scenario refund.pending intent=complaint cat=returns_refunds sev=low sent=neg reply=yes cues=yes w=18 for=telecom,retail
fr: J'attends le remboursement de {amount} depuis {duration}. [On me dit d'attendre.|Toujours rien sur mon compte.|Rien n'est arrivé.]
fr: Retour effectué le {date}, reçu par l'entrepôt, et toujours pas remboursé{ae}.
fr: Remboursement promis « sous 14 jours » il y a {duration}. Mes {amount} sont toujours dans la nature.
fr: Vous avez su me prélever {amount} en deux secondes, mais pour rembourser c'est {duration} d'attente.
en: Been waiting for a refund of {amount} for {duration}. [They keep telling me to wait.|Still nothing in my account.|Nothing has arrived.]
en: Returned on {date}, received by the warehouse, still not refunded.
en: Refund promised "within 14 days" {duration} ago. My {amount} is still missing.
en: You managed to charge me {amount} in two seconds, but a refund takes {duration}.

@scenario refund.flight intent=complaint cat=returns_refunds sev=low sent=neg reply=yes cues=yes w=12 for=airline
fr: Vol {flight} annulé le {date}, remboursement de {amount} demandé [le jour même|dans la foulée|en ligne], et toujours rien après {duration}.
fr: On m'impose un avoir au lieu du remboursement de mon billet {route}. Je veux mon argent, pas un bon.
fr: Ça fait {duration} que j'attends le remboursement de mes billets ({amount}).
en: Flight {flight} cancelled on {date}, refund of {amount} requested [the same day|right away|online], still nothing after {duration}.
en: They're forcing a voucher on me instead of refunding my {route} ticket. I want my money, not a voucher.
en: Been waiting {duration} for the refund of my tickets ({amount}).

@scenario refund.return_refused intent=complaint cat=returns_refunds sev=low sent=neg reply=yes cues=yes w=8 for=retail
fr: Retour refusé pour {item} alors que je suis dans les 30 jours. [Motif : « emballage ouvert ».|Aucune explication.|On me parle de « frais de remise en état ».]
fr: L'étiquette de retour ne fonctionne pas et le point relais refuse le colis.
fr: Impossible de créer un retour sur le site pour {myref}, [erreur à chaque fois|le bouton ne s'affiche pas].
en: Return refused for {item} although I'm within 30 days. [Reason: "packaging opened".|No explanation.|They're talking about "restocking fees".]
en: The return label doesn't work and the drop-off point refuses the parcel.
en: Can't create a return on the website for {myref}, [error every time|the button doesn't show up].

@scenario refund.compensation intent=complaint cat=returns_refunds sev=low sent=neg reply=yes cues=yes w=8 for=parcel
fr: Colis perdu, réclamation faite le {date}, et l'indemnisation de {amount} n'arrive jamais.
fr: {brand} a reconnu la perte de {myref} mais ne veut rembourser que {amount}.
fr: Indemnisation promise pour {myref} il y a {duration}, [toujours rien|aucune trace du virement].
en: Parcel lost, claim filed on {date}, and the {amount} compensation never comes.
en: {brand} admitted losing {myref} but will only pay back {amount}.
en: Compensation promised for {myref} {duration} ago, [still nothing|no sign of the payment].

@scenario cs.unreachable intent=complaint cat=customer_service sev=low sent=neg reply=yes cues=yes w=20
fr: [{n} appels|{n} tentatives|Une heure] [et|pour] [toujours personne|toujours pas de conseiller|personne au bout du fil]. Le service client {brand} est [injoignable|un mythe|aux abonnés absents].
fr: {wait} d'attente au téléphone puis [ça raccroche|coupé|la musique s'arrête et ça coupe]. [Merci {brand}.|Génial.|Top.|J'en peux plus.|C'est nul.]
fr: Le chat [ne répond jamais|ferme à 18h|me renvoie vers la FAQ] et le numéro [sonne dans le vide|est saturé].
fr: Comment on fait pour parler à un humain chez {brand} ? [{wait} que j'essaie.|Le robot ne comprend rien.]
en: [{n} calls|{n} attempts|An hour] [and|for] [still nobody|no agent|nobody on the line]. {brand} customer service is [unreachable|a myth|non-existent].
en: {wait} on hold then [it hangs up|cut off|the music stops and the line drops]. [Thanks {brand}.|Great.|Brilliant.]
en: The chat [never answers|closes at 6pm|sends me back to the FAQ] and the phone line [just rings|is always busy].
en: How do you reach an actual human at {brand}? [Been trying for {wait}.|The bot understands nothing.]

@scenario cs.rude intent=complaint cat=customer_service sev=low sent=neg reply=yes cues=yes w=8
fr: [Conseiller odieux|Conseillère désagréable|Agent méprisant] au téléphone, [on m'a raccroché au nez|on m'a parlé comme à un chien|aucune politesse].
fr: Accueil [glacial|déplorable|lamentable] {@place} {brand} de {city}. On m'a [ri au nez|ignoré{ae} pendant vingt minutes|pris{ae} de haut].
fr: On me répond « ce n'est pas notre problème » [à chaque fois|mot pour mot]. [Sérieusement ?|Bravo.]
en: [Rude|Dismissive|Condescending] agent on the phone, [hung up on me|talked to me like dirt|zero courtesy].
en: [Awful|Terrible|Appalling] welcome {@place} of {brand} in {city}. They [laughed at me|ignored me for twenty minutes|talked down to me].
en: I get "that's not our problem" [every time|word for word]. [Seriously?|Well done.]

@scenario cs.no_followup intent=complaint cat=customer_service sev=low sent=neg reply=yes cues=yes w=10
fr: On m'avait promis un rappel sous 48h [il y a {days} jours|le {date}|la semaine dernière]. [Personne n'a rappelé.|Jamais eu de nouvelles.|Silence total.]
fr: Mon dossier {ref} est « en cours de traitement » depuis {duration}. [Ça traite quoi exactement ?|Toujours rien.]
fr: J'ai envoyé [trois mails|un courrier recommandé|deux messages] et [aucune réponse|pas un mot en retour].
en: I was promised a call back within 48 hours [{days} days ago|on {date}|last week]. [Nobody called.|Never heard back.|Total silence.]
en: My case {ref} has been "in progress" for {duration}. [In progress doing what?|Still nothing.]
en: I sent [three emails|a recorded letter|two messages] and [no answer|not a word back].

@scenario cs.bounced intent=complaint cat=customer_service sev=low sent=neg reply=yes cues=yes w=7
fr: Le service client me renvoie vers [la boutique|l'agence|le transporteur|le vendeur], qui me renvoie vers le service client. [Super.|Génial.|On tourne en rond.]
fr: Chaque conseiller me dit quelque chose de différent [sur {myref}|sur mon dossier|sur ma facture].
en: Customer service sends me to [the shop|the branch|the carrier|the seller], who send me back to customer service. [Great.|Brilliant.|Going in circles.]
en: Every agent tells me something different [about {myref}|about my case|about my bill].

@scenario product.defective intent=complaint cat=product sev=low sent=neg reply=yes cues=yes w=18 for=telecom,retail
fr: {^product} [ne fonctionne plus|est tombé{e} en panne|s'éteint tout{e} seul{e}|ne s'allume plus] après [{days} jours|deux semaines|un mois] d'utilisation.
fr: {^product} [redémarre|plante|se coupe] [toutes les heures|dix fois par jour|sans arrêt]. [Inutilisable.|C'est pénible.|Ras-le-bol.]
fr: {^product}, acheté{e} le {date}, [fait un bruit bizarre|chauffe anormalement|affiche un code erreur|s'arrête au bout de cinq minutes].
fr: Rien à faire, {product} [refuse de démarrer|affiche une erreur|clignote en rouge] depuis [hier|ce matin|{days} jours].
en: {^product} [stopped working|broke down|keeps switching itself off|won't turn on] after [{days} days|two weeks|a month].
en: {^product} [restarts|crashes|cuts out] [every hour|ten times a day|non-stop]. [Useless.|So annoying.|Fed up.]
en: {^product}, bought on {date}, [makes a weird noise|gets really hot|shows an error code|stops after five minutes].
en: Nothing works: {product} [won't start|shows an error|keeps blinking red], [since yesterday|since this morning|for {days} days now].

@scenario product.quality intent=complaint cat=product sev=low sent=neg reply=yes cues=yes w=8 for=retail
fr: Canapé acheté chez {brand} il y a [trois|six] mois : [les coussins sont déjà affaissés|le tissu bouloche|un pied s'est cassé].
fr: Table « chêne massif » : c'est du placage. [Honteux.|Publicité mensongère.]
fr: Matelas [déformé|creusé] au bout de [deux|six] mois, [on dort dans un trou|impossible de dormir].
fr: Rien à voir avec la photo du site : [couleur différente|dimensions fausses|finitions bâclées].
en: Sofa bought from {brand} [three|six] months ago: [cushions already sagging|fabric pilling|a leg snapped].
en: "Solid oak" table: it's veneer. [Shameful.|False advertising.]
en: Mattress [sagging|dented] after [two|six] months, [we sleep in a hole|can't sleep].
en: Nothing like the photo on the website: [different colour|wrong dimensions|sloppy finish].

@scenario product.outage intent=complaint cat=product sev=low sent=neg reply=yes cues=yes w=24 for=telecom
fr: Plus [d'internet|de réseau|de fibre|de télé] depuis [ce matin|hier soir|{days} jours|{hours} heures][ à {city}| dans tout le quartier|]. [Merci {brand}.|Et pas un message.|Je télétravaille moi !|]
fr: [Débit|Connexion] [ridicule|catastrophique|en carton] : [2 Mb/s|0,5 Mb/s|3 Mb/s] au lieu des [1 Gb/s|300 Mb/s] promis.
fr: Panne [réseau|internet|mobile] chez {brand} [à {city}|dans mon quartier] ? Ça coupe toutes les [cinq|dix] minutes.
fr: Zéro barre de réseau [chez moi|au bureau|en plein centre de {city}] avec {brand}. [C'est une blague ?|Sérieux ?]
en: No [internet|signal|fibre|TV] [since this morning|since last night|for {days} days|for {hours} hours][ in {city}| in the whole area|]. [Thanks {brand}.|And not a single message.|I work from home!|]
en: [Speed|Connection] is [a joke|terrible|pathetic]: [2 Mbps|0.5 Mbps|3 Mbps] instead of the [1 Gbps|300 Mbps] promised.
en: Is there a {brand} [network|internet|mobile] outage [in {city}|in my area]? It drops every [five|ten] minutes.
en: Zero bars [at home|at the office|in the middle of {city}] with {brand}. [Is this a joke?|Seriously?]

@scenario product.flight_delay intent=complaint cat=product sev=low sent=neg reply=yes cues=yes w=14 for=airline
fr: Vol {flight} [retardé de {hours}h|annulé à la dernière minute|retardé sans explication] [et aucune info|et personne au comptoir|et pas un verre d'eau]. [Bravo {brand}.|Merci {brand}.|]
fr: [Quatre|Cinq|Six] heures d'attente à {city} pour le {route}, [aucune annonce|pas d'hôtel proposé|on nous laisse dormir par terre].
fr: Mon vol {route} a été [annulé|déprogrammé] {days} jours avant le départ, [sans proposition de remplacement|avec un vol deux jours plus tard].
en: Flight {flight} [delayed {hours} hours|cancelled at the last minute|delayed with no explanation] [and no info|and nobody at the desk|and not even a glass of water]. [Well done {brand}.|Thanks {brand}.|]
en: [Four|Five|Six] hours waiting in {city} for the {route} flight, [no announcements|no hotel offered|they let us sleep on the floor].
en: My {route} flight was [cancelled|rescheduled] {days} days before departure, [with no alternative|with a flight two days later].

@scenario product.onboard intent=complaint cat=product sev=low sent=neg reply=yes cues=yes w=6 for=airline
fr: Siège cassé [qui ne s'incline pas|sans tablette] sur le {flight}, [écran en panne|clim en panne] et [repas payant froid|pas de repas]. [Tout ça pour {amount}.|]
fr: Surbooking sur le vol {flight} : [débarqué{ae}|refusé{ae} à l'embarquement] alors que j'avais ma carte d'embarquement.
en: Broken seat [that won't recline|with no tray table] on {flight}, [screen not working|AC broken] and [cold paid meal|no meal]. [All that for {amount}.|]
en: Overbooked flight {flight}: [bumped|denied boarding] even though I had my boarding pass.

@scenario product.card_declined intent=complaint cat=product sev=low sent=neg reply=yes cues=yes w=10 for=bank
fr: Carte {brand} refusée [partout|au supermarché|à la station-service|en plein voyage à {city}] [depuis ce matin|depuis hier|]. [La honte en caisse.|Et mon compte est approvisionné !]
fr: Paiement sans contact [refusé|bloqué] [à chaque fois|trois fois aujourd'hui], [aucune explication|aucun message de la banque].
fr: Retrait impossible au distributeur avec ma carte {brand}, [plafond atteint|carte avalée] alors que je n'ai rien retiré [ce mois-ci|cette semaine].
en: {brand} card declined [everywhere|at the supermarket|at the petrol station|while travelling in {city}] [since this morning|since yesterday|]. [So embarrassing at the till.|And there's money in the account!]
en: Contactless payment [declined|blocked] [every time|three times today], [no explanation|no message from the bank].
en: Can't withdraw cash with my {brand} card, [limit reached|card swallowed by the machine] even though I haven't withdrawn anything [this month|this week].

@scenario billing.overcharged intent=complaint cat=billing sev=low sent=neg reply=yes cues=yes w=15 for=telecom
fr: Facture de {amount} ce mois-ci au lieu de [{amount2}|la somme habituelle|ce qui était prévu]. [Pourquoi ?|Quelqu'un peut m'expliquer ?|N'importe quoi.]
fr: [Prélèvement|Facture] de {amount} alors que mon [forfait|abonnement|offre] est à {amount2}. [Aucune explication.|Encore une « erreur ».]
fr: {amount} de hors-forfait pour des appels que je n'ai jamais passés.
en: {amount} bill this month instead of [{amount2}|the usual|what was agreed]. [Why?|Can anyone explain?|Ridiculous.]
en: [Direct debit|Bill] of {amount} when my [plan|subscription|contract] is {amount2}. [No explanation.|Another "mistake".]
en: {amount} of extra charges for calls I never made.

@scenario billing.fees intent=complaint cat=billing sev=low sent=neg reply=yes cues=yes w=12 for=bank
fr: {amount} de frais [d'incident|de tenue de compte|de commission d'intervention] prélevés [sans prévenir|sans explication|ce mois-ci]. [Merci {brand}.|Sérieusement ?]
fr: Pourquoi {brand} me facture {amount} pour un virement ? [C'était gratuit avant.|Personne ne m'a prévenu{ae}.]
fr: Nouvelle grille tarifaire : {amount} de plus par an pour [la carte|le même service|rien de plus]. [Bravo.|]
en: {amount} in [overdraft|account|intervention] fees taken [without warning|with no explanation|this month]. [Thanks {brand}.|Seriously?]
en: Why is {brand} charging me {amount} for a transfer? [It used to be free.|Nobody told me.]
en: New price list: {amount} more per year for [the card|the same service|nothing extra]. [Well done.|]

@scenario billing.double intent=complaint cat=billing sev=low sent=neg reply=yes cues=yes w=10 for=telecom,retail,airline,parcel
fr: [Débité{ae}|Prélevé{ae}] deux fois de {amount} pour {myref}. [Vous comptez rembourser quand ?|Merci de corriger.|]
fr: Double prélèvement de {amount} ce mois-ci, [sans explication|et le service client ne voit rien].
fr: Paiement de {amount} passé deux fois [sur le site|à la commande|au guichet], [je veux le remboursement du doublon|merci de régulariser].
en: Charged twice ({amount}) for {myref}. [When are you refunding me?|Please fix it.|]
en: Double direct debit of {amount} this month, [no explanation|and customer service can't see anything].
en: Payment of {amount} went through twice [on the website|at checkout|at the counter], [I want the duplicate refunded|please sort it out].

@scenario billing.price_increase intent=complaint cat=billing sev=low sent=neg reply=yes cues=yes w=7 for=telecom
fr: Mon forfait passe de {amount2} à {amount} [sans que j'aie rien demandé|« pour améliorer votre expérience »]. [Merci.|Sympa.|]
fr: Augmentation de {amount2} à {amount} par mois annoncée par un simple SMS. [Sérieusement ?|Aucun respect.]
en: My plan goes from {amount2} to {amount} [without me asking for anything|"to improve your experience"]. [Thanks.|Lovely.|]
en: Price rise from {amount2} to {amount} a month announced by a single text. [Seriously?|No respect.]

@scenario billing.fees_retail intent=complaint cat=billing sev=low sent=neg reply=yes cues=yes w=5 for=retail,airline
fr: {amount2} de frais [de livraison|de dossier|de service] facturés alors que [c'était annoncé gratuit|rien n'était indiqué].
fr: On m'a facturé {amount2} [de supplément|pour un bagage cabine|pour le montage] qui devait être inclus.
en: {amount2} in [delivery|booking|service] fees charged when [it said free|nothing was shown].
en: I was charged {amount2} [extra|for a cabin bag|for assembly] that was supposed to be included.

@scenario cancel.cant intent=complaint cat=cancellation sev=low sent=neg reply=yes cues=yes w=12 for=telecom,bank
fr: Impossible de résilier [mon abonnement|mon contrat] {brand} : [le lien ne marche pas|on me demande un courrier recommandé|le formulaire plante|on me renvoie vers l'agence].
fr: Ça fait {duration} que j'essaie de [résilier|clôturer mon compte] et [on me fait tourner en bourrique|personne ne traite la demande].
fr: [Résiliation|Clôture] demandée le {date}, [toujours pas prise en compte|« en cours » depuis|aucune confirmation].
en: Can't cancel my {brand} [subscription|contract]: [the link doesn't work|they want a signed letter|the form crashes|they send me to the branch].
en: Been trying to [cancel|close my account] for {duration} and [they keep giving me the runaround|nobody processes the request].
en: [Cancellation|Account closure] requested on {date}, [still not processed|"in progress" ever since|no confirmation].

@scenario cancel.still_billed intent=complaint cat=cancellation sev=low sent=neg reply=yes cues=yes w=10 for=telecom,bank
fr: Résilié{ae} depuis le {date} et [toujours prélevé{ae}|encore facturé{ae}]. [Vous vous moquez de qui ?|Remboursez-moi.]
fr: On m'a encore prélevé {amount} ce mois-ci alors que mon contrat est résilié depuis {duration}.
en: Cancelled since {date} and [still being charged|still billed]. [Who do you think you're fooling?|Refund me.]
en: You took another {amount} this month although my contract was cancelled {duration} ago.

@scenario cancel.fees intent=complaint cat=cancellation sev=low sent=neg reply=yes cues=yes w=6 for=telecom
fr: {amount} de frais de résiliation [alors qu'on m'avait dit que c'était sans engagement|pour un contrat de {n} mois]. [Merci pour la transparence.|Scandaleux.]
en: {amount} cancellation fee [when I was told there was no commitment|for a {n}-month contract]. [Thanks for the transparency.|Outrageous.]

@scenario cancel.booking intent=complaint cat=cancellation sev=low sent=neg reply=yes cues=yes w=6 for=airline
fr: {amount} de frais pour annuler {myref}, [soit plus que le billet|alors que c'est vous qui avez changé l'horaire].
fr: Impossible d'annuler ma réservation en ligne, [le bouton ne marche pas|on me renvoie vers un numéro surtaxé].
en: {amount} to cancel {myref}, [more than the ticket itself|when you were the ones who changed the schedule].
en: Can't cancel my booking online, [the button doesn't work|they send me to a premium-rate number].

@scenario cancel.order intent=complaint cat=cancellation sev=low sent=neg reply=yes cues=yes w=6 for=retail
fr: Commande annulée le {date} [dans l'heure|5 minutes après], mais {item} a quand même été expédié{e} et débité{e}.
fr: Impossible d'annuler {myref} alors qu'elle n'est pas encore partie. [Pourquoi ?|Le bouton a disparu.]
en: Order cancelled on {date} [within the hour|5 minutes later], but {item} was still shipped and charged.
en: Can't cancel {myref} even though it hasn't shipped yet. [Why?|The button has disappeared.]

@scenario tech.login intent=complaint cat=account_technical sev=low sent=neg reply=yes cues=yes w=14
fr: Impossible de me connecter à mon espace client {brand} [depuis {days} jours|depuis ce matin|depuis la mise à jour]. [Mot de passe refusé.|Erreur 500.|Le code SMS n'arrive jamais.]
fr: La réinitialisation du mot de passe [ne marche pas|m'envoie un lien expiré|tourne en boucle]. [Je fais comment ?|Bravo.]
fr: [Compte bloqué|Compte verrouillé] après [une tentative|deux tentatives] [sans raison|et aucun moyen de le débloquer].
en: Can't log in to my {brand} account [for {days} days now|since this morning|since the update]. [Password rejected.|Error 500.|The SMS code never arrives.]
en: Password reset [doesn't work|sends me an expired link|loops forever]. [What do I do?|Well done.]
en: Account [locked|blocked] after [one attempt|two attempts] [for no reason|and no way to unlock it].

@scenario tech.app intent=complaint cat=account_technical sev=low sent=neg reply=yes cues=yes w=12
fr: L'appli {brand} [plante|se ferme|affiche une page blanche] [à chaque ouverture|depuis la dernière mise à jour|sur Android|sur iPhone].
fr: Le site {brand} [refuse mon paiement|tourne en boucle|affiche « erreur technique »] au moment de [valider|payer|confirmer {myref}].
fr: Suivi de {shipref} [introuvable dans l'appli|bloqué sur « erreur »|jamais mis à jour].
en: The {brand} app [crashes every time I open it|has been closing on its own since the last update|shows a blank page on Android|won't load on my iPhone].
en: The {brand} website [rejects my payment|keeps loading|shows "technical error"] when I try to [confirm|pay|validate {myref}].
en: Tracking for {shipref} [can't be found in the app|is stuck on "error"|never updates].

@scenario tech.hacked intent=complaint cat=account_technical sev=high sent=neg reply=yes cues=no w=5 for=telecom,bank,retail,airline
fr: Mon compte {brand} a été piraté : [mon adresse mail a été changée|quelqu'un s'est connecté depuis l'étranger|mes coordonnées ont été modifiées]. [Au secours.|Il faut bloquer ça tout de suite.]
fr: Quelqu'un a [pris le contrôle de|usurpé] mon compte {brand} et [je ne peux plus me connecter|a utilisé ma carte enregistrée pour {amount}].
en: My {brand} account got hacked: [email address changed|someone logged in from abroad|my details were changed]. [Help.|This needs blocking right now.]
en: Someone [took over|hijacked] my {brand} account and [I can't log in any more|used my saved card for {amount}].

@scenario tech.porting intent=complaint cat=account_technical sev=low sent=neg reply=yes cues=yes w=5 for=telecom
fr: Ma portabilité vers {brand} a échoué, [plus de numéro depuis {days} jours|ma ligne est coupée|mon ancien opérateur me facture encore].
fr: Carte SIM {brand} activée mais [pas de réseau|« SIM non reconnue »|impossible d'appeler] depuis {days} jours.
en: My number transfer to {brand} failed, [no number for {days} days|my line is dead|my old provider still bills me].
en: {brand} SIM activated but [no signal|"SIM not recognised"|can't make calls] for {days} days.
)DSL";

// ---------------------------------------------------------------------------
// Severity cues appended to complaints.
constexpr std::string_view kCues = R"DSL(
@cue repetition sev=medium w=30
fr: C'est la [troisième|quatrième|3e|4e] fois que je [vous contacte|vous écris|signale le problème].
fr: [Ça fait|Cela fait] {duration} que ça dure.
fr: Déjà [trois|quatre|cinq] appels [et|pour] rien.
fr: Je relance pour la [3e|4e|énième] fois.
en: This is the [third|fourth|3rd|4th] time I'm [contacting you|writing|reporting this].
en: This has been going on for {duration}.
en: [Three|Four|Five] calls already and nothing.
en: Chasing this for the [third|fourth|umpteenth] time.

@cue churn sev=medium w=20 for=telecom,bank
fr: [Je résilie|Je vais résilier|Je pars] [dès que possible|à la fin du mois|].
fr: Je passe chez {competitor}.
fr: Dernier mois chez vous.
en: I'm [cancelling|leaving|switching] [asap|at the end of the month|].
en: Switching to {competitor}.
en: Last month with you.
@cue churn sev=medium w=14 for=parcel,retail,airline
fr: Plus jamais je ne [passe par vous|vous fais confiance].
fr: La prochaine fois, ce sera {competitor}.
en: Never [using you|trusting you] again.
en: Next time it's {competitor}.

@cue legal sev=high w=15
fr: Je vais porter plainte.
fr: [Je saisis|J'ai saisi] UFC-Que Choisir.
fr: Prochaine étape : [mon avocat|le médiateur|le tribunal].
fr: J'ai écrit à 60 millions de consommateurs.
fr: Je me renseigne pour une action en justice.
en: I'm contacting my lawyer.
en: Next step is small claims court.
en: I've filed a complaint with the ombudsman.
en: I'll be reporting you to [Trading Standards|the regulator].
en: I'm looking into legal action.

@cue fraud sev=high w=12 cats=billing,account_technical,returns_refunds,cancellation
fr: [Prélevé{ae}|Débité{ae}] deux fois sans mon accord.
fr: Il y a des prélèvements que je n'ai jamais autorisés !
fr: Il y a des opérations que je n'ai jamais faites sur mon compte !
fr: On dirait bien que mon compte a été piraté.
en: Charged twice without my consent.
en: There are [charges|transactions] I never authorised!
en: Looks like my account was hacked.

@cue safety sev=critical w=8 cats=product for=telecom,retail
fr: [Ça a pris feu|Ça a fait des étincelles] [dans la cuisine|dans le salon|pendant la nuit] !
fr: De la fumée sortait [de l'appareil|de la prise|de l'arrière].
fr: Mon enfant [a failli se brûler|s'est brûlé] avec.
fr: Odeur de brûlé et [le disjoncteur a sauté|la prise a fondu].
en: It caught fire [in the kitchen|in the living room|overnight]!
en: Smoke was coming out of [it|the plug|the back].
en: My child [nearly got burned|got burned] by it.
en: Burning smell and [the breaker tripped|the plug melted].
@cue safety sev=critical w=6 cats=delivery for=parcel,retail
fr: Le livreur a failli renverser mon enfant en reculant dans l'allée.
fr: Le camion roulait à toute vitesse devant l'école, mon fils a eu très peur.
en: The driver nearly ran over my child reversing down the drive.
en: The van was speeding past the school, my son got a real fright.
)DSL";

// ---------------------------------------------------------------------------
// Questions, praise, chatter, news, noise.
constexpr std::string_view kOtherIntents = R"DSL(
@scenario q.order_status intent=question cat=delivery sev=none sent=neu reply=yes w=20 for=parcel,retail,telecom,bank
fr: Bonjour, [où en est|des nouvelles de] {shipref} ? [Le suivi ne bouge plus depuis le {date}.|Merci.|]
fr: Quand [va arriver|arrivera] {item} ? [Commandé{e} le {date}.|Le suivi n'est pas clair.]
fr: Est-ce que la livraison est possible [samedi|le week-end|en soirée] pour {shipref} ?
fr: Peut-on changer l'adresse de livraison de {shipref} ?
en: Hi, any update on {shipref}? [Tracking hasn't moved since {date}.|Thanks.|]
en: When will {item} arrive? [Ordered on {date}.|The tracking isn't clear.]
en: Can {shipref} be delivered [on Saturday|at the weekend|in the evening]?
en: Can I change the delivery address for {shipref}?

@scenario q.baggage intent=question cat=delivery sev=none sent=neu reply=yes w=6 for=airline
fr: Mon bagage n'est pas sorti sur le tapis à {city}, je fais quoi ?
fr: Où en est mon dossier bagage {ref} ? [Merci.|]
en: My bag didn't come out on the belt in {city}, what do I do?
en: Any update on my baggage claim {ref}? [Thanks.|]

@scenario q.refund_policy intent=question cat=returns_refunds sev=none sent=neu reply=yes w=10 for=retail,telecom,parcel
fr: Combien de temps pour [être remboursé{ae}|recevoir le remboursement] après un retour ?
fr: Est-ce que je peux retourner {item} [après 30 jours|si le carton est ouvert|en magasin] ?
fr: Comment demander une indemnisation pour {shipref} ?
en: How long does a refund take after a return?
en: Can I return {item} [after 30 days|if the box is opened|in store]?
en: How do I claim compensation for {shipref}?

@scenario q.flight_refund intent=question cat=returns_refunds sev=none sent=neu reply=yes w=6 for=airline
fr: Mon vol {flight} est annulé, j'ai droit à un remboursement ou seulement à un avoir ?
fr: Sous combien de temps le remboursement d'un vol annulé arrive-t-il ?
en: My flight {flight} was cancelled, am I entitled to a refund or only a voucher?
en: How long does the refund for a cancelled flight take?

@scenario q.billing intent=question cat=billing sev=none sent=neu reply=yes w=12 for=telecom,bank,airline,retail
fr: Pourquoi ma facture est à {amount} ce mois-ci ? [C'est normal ?|Je ne comprends pas la ligne « options ».]
fr: Où trouver mes factures [dans l'espace client|sur l'appli] ?
fr: Comment changer [de RIB|de moyen de paiement|la date de prélèvement] ?
en: Why is my bill {amount} this month? [Is that normal?|I don't understand the "extras" line.]
en: Where can I find my invoices [in my account|in the app]?
en: How do I change [my bank details|my payment method|the direct debit date]?

@scenario q.cancel_order intent=question cat=cancellation sev=none sent=neu reply=yes w=6 for=airline,retail
fr: Comment annuler {myref} ? [Merci.|]
fr: Peut-on annuler une [commande déjà expédiée|réservation faite hier] ?
fr: Combien coûte l'annulation de {myref} ?
en: How do I cancel {myref}? [Thanks.|]
en: Can I cancel [an order that has already shipped|a booking I made yesterday]?
en: How much does it cost to cancel {myref}?

@scenario q.cancel intent=question cat=cancellation sev=none sent=neu reply=yes w=8 for=telecom,bank
fr: Comment résilier [mon abonnement|mon contrat] {brand} [sans frais|en ligne|rapidement] ?
fr: Y a-t-il des frais si je résilie [maintenant|avant la fin de l'engagement] ?
fr: Je déménage à l'étranger, comment [clôturer mon compte|arrêter mon abonnement] ?
en: How do I cancel my {brand} [subscription|contract] [without fees|online|quickly]?
en: Are there fees if I cancel [now|before the end of the contract]?
en: I'm moving abroad, how do I [close my account|stop my subscription]?

@scenario q.account intent=question cat=account_technical sev=none sent=neu reply=yes w=10
fr: Comment [changer mon mot de passe|modifier mon adresse mail|activer la double authentification] sur l'appli {brand} ?
fr: Je ne reçois pas le code de vérification, [c'est normal ?|une idée ?]
fr: L'appli {brand} est-elle compatible avec [Android 10|les anciens iPhone|les tablettes] ?
en: How do I [change my password|update my email address|turn on two-factor authentication] in the {brand} app?
en: I'm not getting the verification code, [is that normal?|any idea?]
en: Does the {brand} app work on [Android 10|older iPhones|tablets]?

@scenario q.product intent=question cat=product sev=none sent=neu reply=yes w=14
fr: {@prodq}
fr: Bonjour, {_@prodq} [Merci d'avance.|Merci !|]
fr: Petite question : {_@prodq}
en: {@prodq}
en: Hi, {_@prodq} [Thanks in advance.|Thanks!|]
en: Quick question: {@prodq}

@scenario q.contact intent=question cat=customer_service sev=none sent=neu reply=yes w=8
fr: Quel est le numéro du service client {brand} ? [Je ne le trouve nulle part.|Celui du site ne répond pas.]
fr: Le service client {brand} est-il ouvert le dimanche ?
fr: Comment joindre [un conseiller|quelqu'un] chez {brand} [par téléphone|par mail] ?
en: What's the {brand} customer service number? [I can't find it anywhere.|The one on the website doesn't answer.]
en: Is {brand} customer service open on Sundays?
en: How do I reach [an agent|someone] at {brand} [by phone|by email]?

@scenario praise.agent intent=praise cat=none sev=none sent=pos reply=no w=15
fr: Un grand merci à {agent} du service client {brand} : [problème réglé en dix minutes|super efficace|enfin quelqu'un de compétent] ! [👏|🙏|]
fr: Service client {brand} [au top|impeccable|très réactif] aujourd'hui, [merci|bravo] à {agent} !
fr: Je râle souvent mais là chapeau {brand} : [dossier traité en une journée|remboursement reçu en 48h|rappelé{ae} dans l'heure].
fr: {agent} de chez {brand} a été [adorable|d'une patience incroyable|vraiment pro] avec moi, merci !
en: Huge thanks to {agent} from {brand} customer service: [sorted in ten minutes|super efficient|finally someone competent]! [👏|🙏|]
en: {brand} customer service [was great|spot on|really responsive] today, [thanks|kudos] to {agent}!
en: I complain a lot but hats off to {brand}: [case handled in a day|refund received in 48 hours|called back within the hour].
en: {agent} at {brand} was [lovely|incredibly patient|really professional] with me, thank you!

@scenario praise.delivery intent=praise cat=none sev=none sent=pos reply=no w=10 for=parcel,retail,telecom
fr: {^item} [livré{e}|arrivé{e}] en [24h|moins de deux jours|avance], [nickel|parfait|rien à dire]. Merci {brand} !
fr: Livreur {brand} [adorable|hyper sympa|très pro] ce matin, [il a monté le colis au 5e|il a attendu que je descende].
en: {^item} [arrived|was delivered] [within 24 hours|in under two days|a day early], [spot on|perfect|no complaints]. Thanks {brand}!
en: [Lovely|Super friendly|Very professional] {brand} driver this morning, [carried the parcel upstairs|waited for me to come down].

@scenario praise.product intent=praise cat=none sev=none sent=pos reply=no w=12
fr: {@prodpraise} [Merci {brand} !|Je recommande.|❤️|]
fr: {@prodpraise}
en: {@prodpraise} [Thanks {brand}!|Recommend.|❤️|]
en: {@prodpraise}

@scenario praise.resolved intent=praise cat=none sev=none sent=pos reply=no w=6
fr: Finalement {brand} a [remboursé|réglé|corrigé] [mon problème|ma facture|mon dossier] [en deux jours|rapidement]. [Merci !|Comme quoi ça arrive.]
en: In the end {brand} [refunded|sorted|fixed] [my problem|my bill|my case] [in two days|quickly]. [Thanks!|Credit where it's due.]

@scenario praise.switch intent=praise cat=none sev=none sent=pos reply=no w=5 for=telecom,bank
fr: Passé{ae} chez {brand} le mois dernier, [meilleur choix de l'année|aucun regret|je paie deux fois moins].
en: Switched to {brand} last month, [best decision this year|no regrets|paying half what I used to].

@scenario chatter.positive intent=chatter cat=none sev=none sent=pos reply=no w=8
fr: [Franchement|Honnêtement], {brand} [c'est pas mal|s'est bien amélioré|reste le meilleur rapport qualité-prix].
fr: Nouvelle pub {brand} [trop drôle|vraiment réussie|magnifique] 😍
fr: [Content{ae}|Ravi{ae}] de mon passage chez {brand}[ pour l'instant|].
en: [Honestly|To be fair], {brand} [isn't bad|has really improved|is still the best value].
en: New {brand} ad is [hilarious|really good|gorgeous] 😍
en: Happy I moved to {brand}[ so far|].

@scenario chatter.negative intent=chatter cat=none sev=none sent=neg reply=no w=8
fr: {brand} [c'était mieux avant|a bien baissé|devient n'importe quoi].
fr: Plus jamais {brand}, [une fois m'a suffi|j'ai donné].
fr: Entre {brand} et {competitor}, [je ne sais pas lequel est le pire|c'est bonnet blanc et blanc bonnet].
en: {brand} [used to be better|has really gone downhill|is a joke these days].
en: Never again with {brand}, [once was enough|been there].
en: Between {brand} and {competitor}, [I can't tell which is worse|it's six of one and half a dozen of the other].

@scenario chatter.neutral intent=chatter cat=none sev=none sent=neu reply=no w=10
fr: Quelqu'un a testé {brand} [récemment|à {city}] ? [Vous en pensez quoi ?|Des avis ?]
fr: Je viens de {signup} {brand}, on verra bien.
fr: {brand} ou {competitor}, vous prendriez quoi ?
fr: Encore une notification {brand} sur mon téléphone, comme d'hab.
en: Anyone tried {brand} [lately|in {city}]? [Thoughts?|Any reviews?]
en: Just {signup} {brand}, we'll see.
en: {brand} or {competitor}, which would you pick?
en: Another {brand} notification on my phone, as usual.

@scenario chatter.joke intent=chatter cat=none sev=none sent=neg reply=no w=6
fr: {@joke}
en: {@joke}

@scenario news.outage intent=news cat=none sev=none sent=neg reply=no w=8 for=telecom author=outlet ch=news,blog,twitter
fr: Panne chez {Brand} : des milliers d'abonnés privés d'internet||Une panne a touché le réseau de {Brand} [ce matin|dans la nuit|mardi] [dans plusieurs régions|dans le Grand Ouest|autour de {city}]. L'opérateur évoque [un incident technique|une opération de maintenance|un câble sectionné] et annonce un retour à la normale [dans la journée|en fin d'après-midi]. [Plus de {count} signalements ont été recensés.|Les clients professionnels sont aussi touchés.]
fr: {Brand} : le réseau mobile perturbé pendant plusieurs heures||Appels impossibles, données coupées : les clients de {Brand} ont subi [mardi|jeudi|ce week-end] une panne du réseau mobile. [L'opérateur promet un geste commercial.|L'origine serait une mise à jour logicielle.] [Plus de {count} clients ont témoigné sur les réseaux sociaux.|]
en: {Brand} outage leaves thousands without broadband||An outage hit the {Brand} network [this morning|overnight|on Tuesday] [across several regions|in the south-west|around {city}]. The provider blamed [a technical incident|planned maintenance|a cut cable] and expects service back [later today|by the end of the afternoon]. [More than {count} reports were logged.|Business customers were also affected.]
en: {Brand} mobile network disrupted for hours||Calls failed and data dropped as {Brand} customers suffered a mobile outage [on Tuesday|on Thursday|over the weekend]. [The company promised compensation.|A software update is thought to be the cause.] [More than {count} customers posted about it online.|]

@scenario news.bank_outage intent=news cat=none sev=none sent=neg reply=no w=6 for=bank author=outlet ch=news,blog,twitter
fr: Cartes bloquées : les clients de {Brand} privés de paiement||Les clients de {Brand} n'ont pas pu payer par carte [samedi|lundi matin|pendant plusieurs heures]. La banque évoque [une panne informatique|un incident chez un prestataire] et assure qu'aucune donnée n'a été compromise. [L'application était également inaccessible.|Les retraits restaient possibles.]
en: {Brand} customers hit by card payment failure||{Brand} customers were unable to pay by card [on Saturday|on Monday morning|for several hours]. The bank blamed [an IT failure|a problem at a supplier] and said no data had been compromised. [The app was also down.|Cash withdrawals still worked.]

@scenario news.strike_air intent=news cat=none sev=none sent=neg reply=no w=6 for=airline author=outlet ch=news,blog,twitter
fr: Grève chez {Brand} : [de nombreux vols annulés|des retards en cascade]||Un mouvement social perturbe l'activité de {Brand} depuis [lundi|mercredi|ce week-end]. [Près d'un vol sur trois est concerné|Plusieurs dizaines de vols sont annulés chaque jour] selon la direction. Les syndicats réclament [une hausse des salaires|de meilleures conditions de travail]. [La direction appelle au dialogue.|Un préavis court jusqu'au {fdate}.]
en: Strike at {Brand} [grounds dozens of flights|causes widespread delays]||Industrial action has disrupted {Brand} since [Monday|Wednesday|the weekend]. [Nearly one flight in three is affected|Dozens of flights are cancelled every day], according to management. Unions are asking for [higher pay|better working conditions]. [Management says it is open to talks.|Action is planned until {fdate}.]

@scenario news.strike_parcel intent=news cat=none sev=none sent=neg reply=no w=6 for=parcel author=outlet ch=news,blog,twitter
fr: Grève chez {Brand} : des colis bloqués dans les dépôts||Un mouvement social perturbe les livraisons de {Brand} depuis [lundi|mercredi|ce week-end]. [Plusieurs centaines de milliers de colis|Près d'un colis sur cinq] seraient en retard selon les syndicats. Ils réclament [une hausse des salaires|de meilleures conditions de travail]. [La direction promet un retour à la normale sous une semaine.|Un préavis court jusqu'au {fdate}.]
en: Strike at {Brand} leaves parcels stuck in depots||Industrial action has disrupted {Brand} deliveries since [Monday|Wednesday|the weekend]. [Several hundred thousand parcels|Nearly one parcel in five] are delayed, according to unions, who want [higher pay|better working conditions]. [Management expects a return to normal within a week.|Action is planned until {fdate}.]

@scenario news.offer intent=news cat=none sev=none sent=pos reply=no w=8 author=outlet ch=news,blog,twitter
fr: {Brand} lance une nouvelle offre||{Brand} a présenté [mardi|ce matin|jeudi] une nouvelle offre : {@offer}. [L'entreprise veut reconquérir des clients face à {competitor}.|Une réponse directe à {competitor}.] [L'offre est disponible dès le {fdate}.|Elle sera disponible en ligne et {@place}.]
fr: {Brand} mise sur les prix pour séduire||Avec {@offer}, {Brand} tente de se démarquer de {competitor}. [Les analystes restent prudents.|Un pari risqué selon plusieurs observateurs.]
en: {Brand} launches a new offer||{Brand} unveiled a new deal [on Tuesday|this morning|on Thursday]: {@offer}. [The company hopes to win customers back from {competitor}.|A direct answer to {competitor}.] [It goes on sale on {fdate}.|It will be available online and {@place}.]
en: {Brand} bets on price to win customers||With {@offer}, {Brand} hopes to stand out from {competitor}. [Analysts remain cautious.|A risky bet, according to several observers.]

@scenario news.results intent=news cat=none sev=none sent=neu reply=no w=5 author=outlet ch=news,blog,twitter
fr: {Brand} : chiffre d'affaires en [hausse|baisse] de {percent} au {quarter}||Le groupe a publié [mardi|jeudi] ses résultats trimestriels, [portés par|pénalisés par] [l'activité en ligne|le marché français|les coûts de l'énergie]. [La direction maintient ses objectifs annuels.|Le titre a réagi en séance.] [Le groupe compte {count} clients.|]
en: {Brand} revenue [up|down] {percent} in {quarter}||The group published quarterly results [on Tuesday|on Thursday], [driven by|weighed down by] [online sales|its home market|energy costs]. [Management kept its full-year targets.|Shares moved on the news.] [The group has {count} customers.|]

@scenario news.fine intent=news cat=none sev=none sent=neg reply=no w=3 for=telecom,bank,airline,parcel author=outlet ch=news,blog,twitter
fr: {Brand} condamné à une amende de {bigamount}||Le régulateur a sanctionné {Brand} pour [pratiques commerciales trompeuses|retards de remboursement|démarchage abusif]. [L'entreprise annonce faire appel.|L'entreprise dit avoir déjà corrigé ses pratiques.] [Des associations de consommateurs avaient alerté dès l'an dernier.|]
en: {Brand} fined {bigamount}||The regulator has fined {Brand} over [misleading sales practices|late refunds|aggressive cold calling]. [The company says it will appeal.|The company says it has already changed its practices.] [Consumer groups had raised concerns last year.|]

@scenario news.expansion intent=news cat=none sev=none sent=pos reply=no w=4 for=parcel,retail,airline author=outlet ch=news,blog,twitter
fr: {Brand} s'installe à {city} et recrute||{Brand} va ouvrir [une plateforme logistique|un nouveau magasin|une base] à {city}, avec [{n}0 emplois|près de {n}00 postes] à la clé. [L'ouverture est prévue au {quarter}.|Les recrutements commencent dès le mois prochain.]
en: {Brand} opens in {city}, hiring||{Brand} is opening [a logistics hub|a new store|a base] in {city}, creating [{n}0 jobs|nearly {n}00 jobs]. [It is due to open in {quarter}.|Hiring starts next month.]

@scenario noise.job intent=noise cat=none sev=none sent=neu reply=no w=5 author=brand ch=twitter,facebook,instagram,blog
fr: {Brand} recrute ! [Des conseillers clients|Des livreurs|Des développeurs|Des vendeurs] à {city}. [Postulez ici|Toutes les offres] : {url} #emploi
fr: 📣 On recrute [en CDI|en alternance|pour l'été] à {city} ! Rejoignez l'équipe {Brand} : {url}
en: {Brand} is hiring! [Customer advisers|Drivers|Developers|Sales staff] in {city}. [Apply here|All roles]: {url} #jobs
en: 📣 We're hiring [full time|apprentices|for the summer] in {city}! Join the {Brand} team: {url}

@scenario noise.contest intent=noise cat=none sev=none sent=neu reply=no w=5 author=brand ch=twitter,facebook,instagram
fr: 🎁 CONCOURS 🎁 Tentez de gagner [{amount} de bons d'achat|un an d'abonnement|un week-end pour deux] ! [RT + follow @{handle}|Likez et commentez] pour participer. Tirage le {fdate}. #concours
en: 🎁 GIVEAWAY 🎁 Win [{amount} in vouchers|a year's subscription|a weekend for two]! [RT + follow @{handle}|Like and comment] to enter. Draw on {fdate}. #giveaway

@scenario noise.ad intent=noise cat=none sev=none sent=neu reply=no w=6 author=brand ch=twitter,facebook,instagram,blog
fr: {^@offer}. [Profitez-en vite !|Jusqu'au {fdate} seulement.|C'est maintenant.] {url} #[bonplan|promo]
fr: Nouveau chez {Brand} : {@offer}. [Plus d'infos|Découvrir] 👉 {url}
en: {^@offer}. [Don't miss it!|Until {fdate} only.|Available now.] {url} #[deal|offer]
en: New at {Brand}: {@offer}. [More info|Find out more] 👉 {url}

@scenario noise.spam intent=noise cat=none sev=none sent=neu reply=no w=5 ch=twitter,facebook,instagram,email,sms
fr: [Gagnez|Recevez] {amount} avec {brand} ! [Cliquez ici|Offre limitée] : {spamurl}
fr: J'ai gagné {bigamount} en crypto en une semaine, même {brand} n'en revient pas 🚀 {spamurl}
fr: {Brand} : votre colis est en attente, réglez {amount} de frais de livraison ici : {spamurl}
fr: Votre compte {Brand} est suspendu. Vérifiez vos informations sous 24h : {spamurl}
en: [Win|Get] {amount} with {brand}! [Click here|Limited offer]: {spamurl}
en: Made {bigamount} in crypto in a week, even {brand} can't believe it 🚀 {spamurl}
en: {Brand}: your parcel is on hold, pay the {amount} delivery fee here: {spamurl}
en: Your {Brand} account has been suspended. Verify your details within 24h: {spamurl}

@scenario noise.homonym intent=noise cat=none sev=none sent=neu reply=no w=6 ch=twitter,facebook,instagram,forum,blog
fr: {@homonym}
en: {@homonym}

@scenario noise.stop intent=noise cat=none sev=none sent=neu reply=no w=6 ch=sms
fr: [STOP|Stop|STOP SMS|stop merci|Stop !]
fr: Mauvais numéro, je ne suis pas client{ae} {Brand}.
en: [STOP|Stop|STOP texts|stop please|Unsubscribe]
en: Wrong number, I'm not a {Brand} customer.

@scenario noise.application intent=noise cat=none sev=none sent=neu reply=no w=4 ch=email
fr: Candidature spontanée – [conseiller clientèle|livreur|agent d'escale|vendeur]||Madame, Monsieur,\n\nJe me permets de vous adresser ma candidature pour un poste de [conseiller clientèle|livreur|agent d'escale|vendeur] chez {Brand} à {city}. Vous trouverez mon CV en pièce jointe.\n\nJe reste à votre disposition pour un entretien.
en: Application – [customer adviser|driver|ground staff|sales assistant]||Dear Sir or Madam,\n\nI would like to apply for a [customer adviser|driver|ground staff|sales assistant] position at {Brand} in {city}. Please find my CV attached.\n\nI would be happy to come in for an interview.
)DSL";

// ---------------------------------------------------------------------------
// Conversation turns: brand answers, customers' follow-ups, other people's
// replies and quotes.
constexpr std::string_view kThreads = R"DSL(
@scenario brand.apology intent=reply cat=inherit sev=none sent=neu reply=no role=brand parent=complaint w=30
fr: [Bonjour|Bonsoir] {first}, [nous sommes désolés|toutes nos excuses|navrés] pour [ce désagrément|la gêne occasionnée|cette situation]. [Pouvez-vous nous transmettre votre {@reflabel} {dm} ?|Nous vous contactons {dm} pour regarder ça.|Envoyez-nous votre {@reflabel} {dm}, on s'en occupe.]
fr: {first}, [nous comprenons votre agacement|désolés pour cette attente]. [Un conseiller regarde votre dossier.|Nous revenons vers vous au plus vite.|Pouvez-vous nous en dire plus {dm} ?]
en: [Hi|Hello] {first}, [we're sorry|apologies|so sorry] for [the trouble|the inconvenience|this]. [Could you send us your {@reflabel} {dm}?|We'll reach out {dm} to look into it.|Send us your {@reflabel} {dm} and we'll sort it.]
en: {first}, [we understand your frustration|sorry for the wait]. [An adviser is looking into it.|We'll get back to you asap.|Could you tell us more {dm}?]

@scenario brand.delivery intent=reply cat=inherit sev=none sent=neu reply=no role=brand parent=complaint,question pcat=delivery w=25
fr: Bonjour {first}, nous avons relancé [notre transporteur|le dépôt|l'entrepôt] pour {yourship}, [vous aurez un retour sous 48h|nous revenons vers vous au plus vite].
fr: {first}, d'après le suivi, {yourship} sera livré{e} [demain|sous 24h|d'ici la fin de semaine]. N'hésitez pas à revenir vers nous si ce n'est pas le cas.
en: Hi {first}, we've chased [our carrier|the depot|the warehouse] about {yourship}, [you'll hear back within 48 hours|we'll update you asap].
en: {first}, according to tracking {yourship} will be delivered [tomorrow|within 24 hours|by the end of the week]. Let us know if not.

@scenario brand.refund intent=reply cat=inherit sev=none sent=neu reply=no role=brand parent=complaint,question pcat=returns_refunds w=25
fr: Bonjour {first}, le remboursement de {amount} a été [validé|déclenché] aujourd'hui, comptez [3 à 5 jours ouvrés|quelques jours] pour le voir sur votre compte.
fr: {first}, votre demande de remboursement est [en cours de traitement|bien enregistrée], nous vous tenons informé{ae}.
en: Hi {first}, the refund of {amount} was [approved|issued] today, allow [3 to 5 working days|a few days] for it to show.
en: {first}, your refund request is [being processed|logged], we'll keep you posted.

@scenario brand.service intent=reply cat=inherit sev=none sent=neu reply=no role=brand parent=complaint,question pcat=customer_service w=25
fr: Bonjour {first}, désolés pour l'attente. [Un conseiller vous rappelle|Je vous rappelle personnellement] [demain matin|dans la journée].
fr: {first}, nous transmettons votre retour au responsable d'équipe. [Nous revenons vers vous rapidement.|Merci de votre patience.]
en: Hi {first}, sorry for the wait. [An adviser will call you|I'll call you myself] [tomorrow morning|later today].
en: {first}, we've passed your feedback to the team manager. [We'll be in touch shortly.|Thanks for your patience.]

@scenario brand.product intent=reply cat=inherit sev=none sent=neu reply=no role=brand parent=complaint,question pcat=product w=25
fr: Bonjour {first}, pouvez-vous [nous préciser le message d'erreur|nous envoyer une photo|nous donner plus de détails] {dm} ? Nous [regardons|vérifions] tout de suite.
fr: {first}, un incident est en cours [à {city}|dans votre secteur], nos équipes sont mobilisées. Retour à la normale prévu [ce soir|dans la journée].
en: Hi {first}, could you [tell us the error message|send us a photo|give us more details] {dm}? We'll [look|check] right away.
en: {first}, there's an ongoing incident [in {city}|in your area] and our teams are on it. Service should be back [tonight|later today].

@scenario brand.billing intent=reply cat=inherit sev=none sent=neu reply=no role=brand parent=complaint,question pcat=billing w=25
fr: Bonjour {first}, je regarde votre facture : [un avoir de {amount} a été émis|une régularisation apparaîtra sur la prochaine facture|le doublon sera remboursé sous 72h].
fr: {first}, [nous vérifions les prélèvements|nous analysons votre facture] et revenons vers vous {dm}.
en: Hi {first}, I've checked your bill: [a credit of {amount} has been applied|an adjustment will show on your next bill|the duplicate will be refunded within 72 hours].
en: {first}, [we're checking the payments|we're reviewing your bill] and will get back to you {dm}.

@scenario brand.cancel intent=reply cat=inherit sev=none sent=neu reply=no role=brand parent=complaint,question pcat=cancellation w=25
fr: Bonjour {first}, votre demande de résiliation est [bien prise en compte|enregistrée], [aucun prélèvement ne sera effectué après|vous recevrez une confirmation par mail].
fr: {first}, vous pouvez [résilier directement depuis votre espace client|annuler depuis la rubrique « Mes commandes »]. Besoin d'aide ? Écrivez-nous {dm}.
en: Hi {first}, your cancellation is [confirmed|logged], [no further payments will be taken|you'll get a confirmation email].
en: {first}, you can [cancel directly from your account|cancel under "My orders"]. Need help? Write to us {dm}.

@scenario brand.tech intent=reply cat=inherit sev=none sent=neu reply=no role=brand parent=complaint,question pcat=account_technical w=25
fr: Bonjour {first}, pour votre sécurité [nous avons bloqué l'accès|votre compte est temporairement suspendu]. [Un conseiller vous contacte {dm}.|Écrivez-nous {dm} pour le débloquer.]
fr: {first}, un correctif de l'appli est en cours de déploiement, [merci de faire la mise à jour|merci de votre patience].
en: Hi {first}, for your security [we've blocked access|your account is temporarily suspended]. [An adviser will contact you {dm}.|Write to us {dm} to unlock it.]
en: {first}, a fix for the app is rolling out, [please update|thanks for your patience].

@scenario brand.answer intent=reply cat=inherit sev=none sent=neu reply=no role=brand parent=question w=25
fr: Bonjour {first}, [bonne question !|merci pour votre message.] [Tout est expliqué ici : {url}|Vous trouverez la réponse dans votre espace client, rubrique Aide.|Nous vous répondons {dm}.]
fr: {first}, un conseiller vous répond {dm} dans la journée. [Merci de votre patience.|]
en: Hi {first}, [good question!|thanks for your message.] [It's all explained here: {url}|You'll find the answer in your account under Help.|We'll reply {dm}.]
en: {first}, an adviser will answer you {dm} today. [Thanks for your patience.|]

@scenario brand.thanks intent=reply cat=none sev=none sent=pos reply=no role=brand parent=praise w=30
fr: Merci beaucoup {first} ! [Nous transmettons à l'équipe|Ravis d'avoir pu vous aider|Ça fait plaisir] 😊
fr: Un grand merci pour ce message, {first} ! [À bientôt chez {Brand}.|Toute l'équipe est ravie.]
en: Thanks so much {first}! [We'll pass it on to the team|Glad we could help|That's lovely to hear] 😊
en: Thank you for the kind words, {first}! [See you soon at {Brand}.|The whole team is delighted.]

@scenario brand.ack intent=reply cat=inherit sev=none sent=neu reply=no role=brand parent=reply w=30
fr: Bien reçu {first}, nous regardons ça et revenons vers vous [rapidement|dans la journée].
fr: Merci {first}, [c'est noté|nous avons bien votre message], un conseiller prend le relais.
en: Got it {first}, we're looking into it and will get back to you [shortly|today].
en: Thanks {first}, [noted|we have your message], an adviser is taking over.

@scenario followup.still_waiting intent=complaint cat=inherit sev=medium sent=neg reply=yes cues=yes role=followup w=30
fr: [Toujours rien|Toujours pas de nouvelles|Rien de nouveau] [depuis votre message|depuis hier|après {days} jours]. [On fait comment ?|C'est normal ?|Je dois attendre encore combien de temps ?]
fr: Ça fait [trois|quatre] fois qu'on me dit ça.
fr: [J'ai déjà envoyé|Je vous ai déjà donné] mon {@reflabel} [deux fois|hier]. Et toujours rien.
en: [Still nothing|Still no news|Nothing new] [since your message|since yesterday|after {days} days]. [Now what?|Is this normal?|How much longer do I wait?]
en: That's the [third|fourth] time I've been told that.
en: [I already sent|I already gave you] my {@reflabel} [twice|yesterday]. Still nothing.

@scenario followup.dm_sent intent=reply cat=inherit sev=low sent=neu reply=yes role=followup w=25 ch=twitter,facebook,instagram
fr: [DM envoyé.|MP envoyé.|C'est fait, je vous ai écrit en privé.|Je vous ai envoyé mon {@reflabel} en DM.]
en: [DM sent.|Sent you a DM.|Done, messaged you privately.|I've sent my {@reflabel} by DM.]

@scenario followup.give_ref intent=reply cat=inherit sev=low sent=neu reply=yes role=followup w=25 ch=chat,email,sms,forum,review
fr: [C'est le|Voici mon {@reflabel} :|Mon {@reflabel} :] {ref}.
fr: {ref}, [merci de faire vite|je reste disponible].
en: [It's|Here's my {@reflabel}:|My {@reflabel}:] {ref}.
en: {ref}, [please be quick|I'm available if needed].

@scenario followup.resolved intent=praise cat=none sev=none sent=pos reply=no role=followup w=15
fr: [C'est réglé,|Parfait,|Super,] merci [beaucoup|pour votre réactivité] ! [👍|🙏|]
fr: Merci, tout est rentré dans l'ordre.
en: [All sorted,|Perfect,|Great,] thanks [a lot|for the quick reply]! [👍|🙏|]
en: Thanks, all back to normal.

@scenario followup.resolved_delivery intent=praise cat=none sev=none sent=pos reply=no role=followup w=10 pcat=delivery
fr: Merci, [livré ce matin|reçu aujourd'hui|enfin arrivé] ! [👍|🙏|]
en: Thanks, [delivered this morning|received today|finally arrived]! [👍|🙏|]

@scenario followup.resolved_money intent=praise cat=none sev=none sent=pos reply=no role=followup w=10 pcat=returns_refunds,billing,cancellation
fr: Merci, [remboursement reçu|c'est bien régularisé|je vois le virement]. [👍|]
en: Thanks, [refund received|it's been corrected|I can see the payment]. [👍|]

@scenario followup.resolved_fix intent=praise cat=none sev=none sent=pos reply=no role=followup w=10 pcat=product,account_technical,customer_service
fr: Merci, [ça remarche|j'ai pu me reconnecter|c'est rentré dans l'ordre|on m'a rappelé{ae}]. [👍|🙏|]
en: Thanks, [working again|I can log in again|all back to normal|someone called me back]. [👍|🙏|]

@scenario followup.ack intent=reply cat=inherit sev=none sent=neu reply=no role=followup w=10
fr: [Ok merci, j'attends alors.|D'accord, je regarde ça.|Très bien, merci.]
en: [Ok thanks, I'll wait then.|Alright, I'll check.|Fine, thanks.]

@scenario followup.angry intent=complaint cat=inherit sev=medium sent=neg reply=yes cues=yes role=followup w=10 parent=reply
fr: [Des excuses|Un message automatique], [c'est tout ?|ça ne règle rien.]
fr: Vous dites ça à chaque fois. [J'en ai marre.|J'en peux plus.|Je veux une solution, pas des excuses.]
en: [An apology|An automated reply], [that's it?|that fixes nothing.]
en: You say that every time. [I'm fed up.|I want a fix, not excuses.]

@scenario peer.metoo intent=complaint cat=inherit sev=low sent=neg reply=yes role=peer parent=complaint w=30
fr: Pareil [pour moi|ici|chez moi][ depuis {days} jours| à {city}|]. [😤|🙄|]
fr: Même problème, [ça me rassure de ne pas être seul{ae}|on est combien ?].
fr: Exactement la même chose [la semaine dernière|en ce moment|depuis le {date}].
en: Same [here|for me][ for {days} days| in {city}|]. [😤|🙄|]
en: Same problem, [glad I'm not the only one|how many of us are there?].
en: Exactly the same thing [last week|right now|since {date}].

@scenario peer.advice intent=reply cat=inherit sev=none sent=neu reply=no role=peer parent=complaint,question w=20
fr: [Essaie de|Perso j'ai dû] [passer par le chat|appeler le 2e numéro|envoyer un recommandé|écrire au médiateur], [ça a marché pour moi|ça a débloqué les choses].
fr: [Conseil :|Astuce :] [garde toutes les preuves|fais des captures d'écran|demande un numéro de dossier].
en: [Try|I had to] [use the chat|call the other number|send a recorded letter|write to the ombudsman], [worked for me|that got things moving].
en: [Tip:|Advice:] [keep every proof|take screenshots|ask for a case number].

@scenario peer.switch intent=chatter cat=none sev=none sent=neg reply=no role=peer parent=complaint w=8 for=telecom,bank
fr: Passe chez {competitor}, [jamais eu de souci|c'est le jour et la nuit].
en: Move to {competitor}, [never had an issue|night and day].

@scenario peer.answer intent=reply cat=inherit sev=none sent=neu reply=no role=peer parent=question w=20
fr: [Il me semble que|Normalement] [c'est dans l'espace client|il faut appeler le service client|c'est sous 14 jours|c'est indiqué dans les conditions].
en: [I think|Normally] [it's in your account|you have to call customer service|it's within 14 days|it's in the terms].

@scenario peer.chat intent=chatter cat=none sev=none sent=neu reply=no role=peer parent=chatter,news,praise,noise w=20
fr: [Tellement vrai|Pas faux|Ah bon ?|Source ?|Intéressant|Je confirme] [😂|👀|]
en: [So true|Fair point|Really?|Source?|Interesting|Can confirm] [😂|👀|]

@scenario peer.news intent=chatter cat=none sev=none sent=neg reply=no role=peer parent=news w=10
fr: Pas étonnant vu [le service|leurs prix|ce qu'on vit au quotidien]...
en: Not surprised given [the service|their prices|what we live with every day]...

@scenario quote.complaint intent=complaint cat=inherit sev=low sent=neg reply=yes role=quote parent=complaint w=20
fr: [Exactement pareil pour moi|Même chose ici|Idem depuis {days} jours] 👇
fr: Et on s'étonne que [je veuille partir|tout le monde râle]...
en: [Exactly the same for me|Same here|Same for {days} days] 👇
en: And they wonder why [I want to leave|everyone complains]...

@scenario quote.news intent=chatter cat=none sev=none sent=neg reply=no role=quote parent=news w=20
fr: [Sans surprise.|Pas étonnant 🙄|Il était temps que ça se sache.]
en: [No surprise.|Not surprised 🙄|About time this came out.]

@scenario quote.noise intent=chatter cat=none sev=none sent=neu reply=no role=quote parent=noise w=20
fr: [Je tente ma chance 🤞|Qui veut postuler ? 👀|Ça peut intéresser du monde]
en: [Trying my luck 🤞|Anyone applying? 👀|Might interest a few people]

@scenario quote.positive intent=chatter cat=none sev=none sent=pos reply=no role=quote parent=praise,chatter w=20
fr: [Tout à fait d'accord 👍|Pareil, rien à redire.|Je confirme !]
en: [Totally agree 👍|Same, no complaints.|Can confirm!]
)DSL";

// ---------------------------------------------------------------------------
// Channel wrappers.
constexpr std::string_view kWrappers = R"DSL(
@part demand_delivery
fr: [Je veux|Merci de me donner] une date de livraison [ferme|précise].
fr: Je veux savoir où est {item}.
en: [I want|Please give me] a [firm|proper] delivery date.
en: I want to know where {item} is.
@part demand_returns_refunds
fr: Je demande le remboursement [immédiat|sous huitaine] de {amount}.
en: I want my {amount} back [now|within a week].
@part demand_customer_service
fr: [Rappelez-moi svp.|J'aimerais parler à un responsable.|Merci de me recontacter rapidement.]
en: [Please call me back.|I'd like to speak to a manager.|Please get back to me quickly.]
@part demand_product
fr: Je veux [un échange|un remplacement|un technicien|une solution] au plus vite.
en: I want [an exchange|a replacement|an engineer|a fix] asap.
@part demand_billing
fr: Je demande [une régularisation|le remboursement du trop-perçu|une facture corrigée].
en: I want [this corrected|the overcharge refunded|a corrected bill].
@part demand_cancellation
fr: [Confirmez-moi la résiliation par écrit.|Je veux une confirmation écrite.]
en: [Confirm the cancellation in writing.|I want written confirmation.]
@part demand_account_technical
fr: [Débloquez mon compte svp.|Merci de rétablir mon accès au plus vite.]
en: [Please unlock my account.|Please restore my access asap.]

@part emoji_neg
fr: [😡|😤|🙄|😠|🤬|😩|😒|👎]
en: [😡|😤|🙄|😠|🤬|😩|😒|👎]
@part emoji_pos
fr: [😍|🙏|👍|❤️|😊|👏|🥰|✨]
en: [😍|🙏|👍|❤️|😊|👏|🥰|✨]
@part emoji_neu
fr: [🤔|👀|🤷|😅]
en: [🤔|👀|🤷|😅]
@part tag_neg
fr: [#fail|#SAV|#serviceclient|#arnaque|#honteux|#colère|#ras_le_bol|#consommateur]
en: [#fail|#customerservice|#scam|#disgrace|#fedup|#neveragain|#complaint|#badservice]
@part tag_pos
fr: [#merci|#top|#bravo|#satisfait|#bonplan]
en: [#thankyou|#happycustomer|#kudos|#great|#recommend]

@part title_delivery
fr: [Livraison {Brand} : c'est normal ?|Problème de livraison avec {Brand}|{^item} jamais arrivé{e}|[URGENT|Aide] - livraison {Brand}|Délai de livraison {Brand} interminable]
en: [{Brand} delivery: is this normal?|Delivery problem with {Brand}|{^item} never arrived|[URGENT|Help] - {Brand} delivery|Endless {Brand} delivery times]
@part title_returns_refunds
fr: [Remboursement {Brand} [jamais reçu|en attente]|Retour refusé par {Brand} ?|Combien de temps pour un remboursement {Brand} ?]
en: [{Brand} refund [never received|still pending]|Return refused by {Brand}?|How long for a {Brand} refund?]
@part title_customer_service
fr: [Service client {Brand} injoignable|Comment joindre {Brand} ?|[Coup de gueule|Ras-le-bol] service client {Brand}]
en: [{Brand} customer service unreachable|How to contact {Brand}?|[Rant|Fed up]: {Brand} customer service]
@part title_product
fr: [[Panne|Souci|Problème] {Brand}[ depuis {days} jours| à {city}|]|{^product} {Brand} HS ?|Problème récurrent avec {Brand}]
en: [{Brand} [outage|issue|problem][ for {days} days| in {city}|]|{^product} from {Brand} dead?|Recurring problem with {Brand}]
@part title_billing
fr: [Facture {Brand} [anormale|incompréhensible|trop élevée]|Frais {Brand} : c'est normal ?|Prélèvement {Brand} suspect]
en: [{Brand} bill [wrong|confusing|too high]|{Brand} fees: normal?|Suspicious {Brand} payment]
@part title_cancellation
fr: [Résiliation {Brand} impossible|Comment résilier chez {Brand} ?|Annulation {Brand} : mode d'emploi ?]
en: [Can't cancel {Brand}|How to cancel with {Brand}?|{Brand} cancellation: how?]
@part title_account_technical
fr: [Compte {Brand} bloqué|Appli {Brand} qui plante|Problème de connexion à l'espace client {Brand}]
en: [{Brand} account locked|{Brand} app keeps crashing|Can't log in to {Brand} account]
@part title_none
fr: [Retour d'expérience {Brand}|Avis sur {Brand} ?|{Brand} ou {competitor} ?|Merci {Brand} !|Mon avis sur {Brand}]
en: [My {Brand} experience|Opinions on {Brand}?|{Brand} or {competitor}?|Thanks {Brand}!|My take on {Brand}]

@part forum_open
fr: [Bonjour à tous,|Bonjour,|Salut à tous,|Hello,|Bonsoir,]
en: [Hi all,|Hello,|Hi everyone,|Hey,|Evening all,]
@part forum_context_neg
fr: [Client{ae} {Brand} depuis {years} ans, je n'avais jamais eu de souci.|Je vous écris car je ne sais plus quoi faire.|Je viens chercher un peu d'aide ici.|Je poste ici en dernier recours.]
en: [{Brand} customer for {years} years, never had a problem before.|Writing here because I'm at a loss.|Looking for some help here.|Posting here as a last resort.]
@part forum_context_question
fr: [Petite question pour les habitués.|Je me pose une question.|Client{ae} {Brand} depuis {years} ans.|Je n'ai pas trouvé la réponse sur le site.]
en: [Quick question for the regulars.|Wondering about something.|{Brand} customer for {years} years.|Couldn't find the answer on their website.]
@part forum_context_neutral
fr: [Petit retour d'expérience.|Client{ae} {Brand} depuis {years} ans.|Un petit mot sur {Brand}.|Je partage mon avis.]
en: [Quick write-up of my experience.|{Brand} customer for {years} years.|A few words about {Brand}.|Sharing my opinion.]
@part forum_ask
fr: [Quelqu'un a déjà eu ce problème ?|Vous avez une idée de ce que je peux faire ?|Des conseils ?|Comment avez-vous fait, vous ?]
en: [Has anyone had this problem?|Any idea what I can do?|Any advice?|How did you deal with it?]
@part forum_close
fr: [Merci d'avance.|Merci pour vos retours.|Merci de m'avoir lu{ae}.|Bonne soirée.]
en: [Thanks in advance.|Thanks for any replies.|Thanks for reading.|Cheers.]

@part review_title_1
fr: [À fuir|Catastrophique|Service client inexistant|Honteux|Plus jamais|Une honte]
en: [Avoid|Appalling|Non-existent customer service|Disgraceful|Never again|Shocking]
@part review_title_2
fr: [Décevant|Très moyen|Peut mieux faire|Déçu{ae}]
en: [Disappointing|Not great|Could do better|Let down]
@part review_title_3
fr: [Correct sans plus|Mitigé|Ni bon ni mauvais|Bof]
en: [Okay, nothing more|Mixed feelings|Average|Meh]
@part review_title_4
fr: [Bonne expérience|Satisfait{ae}|Bien dans l'ensemble|Plutôt content{ae}]
en: [Good experience|Satisfied|Good overall|Pretty happy]
@part review_title_5
fr: [Parfait|Excellent|Au top|Je recommande|Rien à redire]
en: [Perfect|Excellent|Brilliant|Highly recommend|Faultless]
@part review_close_neg
fr: [Je déconseille.|À éviter.|Je ne recommande pas.|Zéro étoile si je pouvais.]
en: [Don't bother.|Avoid.|Would not recommend.|Zero stars if I could.]
@part review_close_pos
fr: [Je recommande !|Je reviendrai.|Merci à toute l'équipe.|Bravo.]
en: [Recommended!|Will use again.|Thanks to the whole team.|Well done.]

@part email_greet
fr: [Bonjour,|Madame, Monsieur,|Bonjour Madame, Monsieur,|Bonjour {Brand},]
en: [Hello,|Dear Sir or Madam,|Hi,|Dear {Brand} team,]
@part email_ref
fr: [Mes références : {ref}.|N° de référence : {ref}|Pour rappel, il s'agit de {myref}.|Référence : {ref}]
en: [My reference: {ref}.|Reference no.: {ref}|For reference, this is about {myref}.|Ref: {ref}]
@part email_close
fr: [Cordialement,|Bien cordialement,|Dans l'attente de votre retour,|Salutations,|Merci d'avance,]
en: [Kind regards,|Regards,|Looking forward to your reply,|Best,|Thanks in advance,]
@part email_subject_delivery
fr: [Réclamation livraison – {ref}|Commande non reçue|Où est ma commande ?|Livraison {ref}]
en: [Delivery complaint – {ref}|Order not received|Where is my order?|Delivery {ref}]
@part email_subject_returns_refunds
fr: [Demande de remboursement|Remboursement en attente – {ref}|Retour {ref}]
en: [Refund request|Refund pending – {ref}|Return {ref}]
@part email_subject_customer_service
fr: [Réclamation|Absence de réponse|Réclamation – dossier {ref}]
en: [Complaint|No response|Complaint – case {ref}]
@part email_subject_product
fr: [Produit défectueux|Panne – {ref}|Problème technique]
en: [Faulty product|Fault – {ref}|Technical problem]
@part email_subject_billing
fr: [Contestation de facture|Erreur de prélèvement|Facture {ref}]
en: [Billing dispute|Payment error|Invoice {ref}]
@part email_subject_cancellation
fr: [Résiliation de mon contrat|Demande de résiliation – {ref}|Annulation {ref}]
en: [Cancellation of my contract|Cancellation request – {ref}|Cancellation {ref}]
@part email_subject_account_technical
fr: [Accès à mon compte|Compte bloqué|Problème de connexion]
en: [Account access|Account locked|Login problem]
@part email_subject_question
fr: [Question|Demande d'information|Renseignement|Petite question|Question concernant {myref}]
en: [Question|Information request|Quick question|Query|Question about {myref}]
@part email_subject_none
fr: [Remerciements|Merci !|Un petit mot]
en: [Thank you|Thanks!|A quick note]

@part voice_open
fr: {Brand} bonjour, {agent} à l'appareil, [que puis-je faire pour vous ?|en quoi puis-je vous aider ?]
en: {Brand}, good [morning|afternoon], this is {agent}, [how can I help?|what can I do for you?]
@part voice_askref_neg
fr: [Je suis désolé{agent_e} de l'entendre.|D'accord.|Je comprends.] Pouvez-vous me donner votre {@reflabel} ?
en: [I'm sorry to hear that.|Okay.|I understand.] Could you give me your {@reflabel}?
@part voice_askref_question
fr: [Bien sûr.|D'accord.|Je regarde ça.] Pouvez-vous me donner votre {@reflabel} ?
en: [Of course.|Sure.|Let me check.] Could you give me your {@reflabel}?
@part voice_giveref
fr: [Oui, c'est le {ref}.|Alors… {ref}.|Attendez… voilà : {ref}.]
en: [Yes, it's {ref}.|Let me see… {ref}.|Hang on… here: {ref}.]
@part voice_escalate
fr: [Je transmets votre dossier au service concerné, vous serez recontacté{ae} sous 48 heures.|J'ouvre une réclamation, un responsable vous rappellera.|Je ne peux pas le faire d'ici, je fais remonter en priorité.]
en: [I'm passing your case to the right team, you'll hear back within 48 hours.|I'm opening a complaint, a manager will call you back.|I can't do it from here, I'm escalating it as a priority.]
@part voice_answer
fr: [Alors, c'est tout à fait possible depuis votre espace client.|Oui, je vous confirme que c'est bien le cas.|Je vous envoie la procédure par SMS.|C'est fait, je viens de le modifier pour vous.]
en: [So, you can do that from your online account.|Yes, I can confirm that's the case.|I'll text you the steps.|Done, I've just changed it for you.]
@part voice_client_neg
fr: [Ça fait déjà {n} fois qu'on me dit ça.|Bon… j'espère que ce sera la bonne.|J'attends, mais je ne suis pas content{ae}.]
en: [I've been told that {n} times already.|Right… I hope this time it works.|Fine, but I'm not happy.]
@part voice_client_ok
fr: [Parfait, merci beaucoup.|D'accord, merci.|Très bien, merci pour votre aide.]
en: [Perfect, thanks a lot.|Okay, thanks.|Great, thanks for your help.]
@part voice_close
fr: [Je vous en prie, bonne journée.|Merci de votre appel, au revoir.|Bonne fin de journée.]
en: [You're welcome, have a good day.|Thanks for calling, goodbye.|Have a nice day.]

@part blog_title_neg
fr: [Mon expérience avec {Brand}|Pourquoi j'ai quitté {Brand}|{Brand} : le récit d'un client à bout|{days} jours de galère avec {Brand}]
en: [My experience with {Brand}|Why I left {Brand}|{Brand}: a customer at the end of his tether|{days} days of hassle with {Brand}]
@part blog_title_pos
fr: [{Brand}, une bonne surprise|Pourquoi je recommande {Brand}|Six mois avec {Brand} : le bilan]
en: [{Brand}, a pleasant surprise|Why I recommend {Brand}|Six months with {Brand}: the verdict]
@part blog_title_neu
fr: [{Brand} ou {competitor} : mon comparatif|Ce que j'ai appris avec {Brand}|{Brand} en {n} points]
en: [{Brand} vs {competitor}: my comparison|What I learned with {Brand}|{Brand} in {n} points]
@part blog_close
fr: [Et vous, quelle expérience avec {Brand} ?|Dites-moi en commentaire ce que vous en pensez.|À suivre…]
en: [What's your experience with {Brand}?|Let me know in the comments.|To be continued…]

@part chat_open
fr: [Bonjour,|bonjour|Bonjour, |bjr |Bonsoir, ]
en: [Hi,|hello|Hello, |hi |Good evening, ]
@part email_subject_noise
fr: [Offre exceptionnelle|Action requise|Information importante|Votre compte]
en: [Exclusive offer|Action required|Important information|Your account]
@part sms_open
fr: [Bonjour |Bjr |Slt |]
en: [Hi |Hello |]
)DSL";

}  // namespace

const std::vector<std::string_view>& ContentSources() {
  static const std::vector<std::string_view> kSources = {kVocabulary, kComplaints, kCues, kOtherIntents,
                                                         kThreads, kWrappers};
  return kSources;
}

}  // namespace ecoute::demo::internal
