/**
 * The simulated customers and what they say. Everything here was written for the sandbox (no dataset text).
 * Placeholders: {order} (the customer's order number), {n} (a small number), {day} (a recent weekday).
 */

export type Lang = 'fr' | 'en';

export interface SimulatedCustomer {
  username: string;
  name: string;
  description: string;
  followersCount: number;
  verified?: boolean;
  lang: Lang;
}

/** 40 customers: French and English, from a dozen followers to a verified journalist with 180k. */
export const CUSTOMER_POOL: readonly SimulatedCustomer[] = [
  {
    username: 'camille_durand',
    name: 'Camille Durand',
    description: 'Lyon · café, vélo et colis perdus',
    followersCount: 312,
    lang: 'fr',
  },
  {
    username: 'lucas_martin75',
    name: 'Lucas Martin',
    description: 'Parisien pressé. Développeur le jour.',
    followersCount: 1_204,
    lang: 'fr',
  },
  {
    username: 'ines_benali',
    name: 'Inès Benali',
    description: 'Infirmière de nuit, maman de deux tornades',
    followersCount: 87,
    lang: 'fr',
  },
  {
    username: 'hugo_lefebvre',
    name: 'Hugo Lefebvre',
    description: 'Rennes. Rugby, crêpes et mauvaise foi.',
    followersCount: 455,
    lang: 'fr',
  },
  {
    username: 'manon_petit',
    name: 'Manon Petit',
    description: 'Étudiante en droit à Bordeaux',
    followersCount: 139,
    lang: 'fr',
  },
  {
    username: 'theo_rousseau',
    name: 'Théo Rousseau',
    description: 'Photographe indépendant · Marseille',
    followersCount: 6_830,
    lang: 'fr',
  },
  {
    username: 'chloe_moreau',
    name: 'Chloé Moreau',
    description: 'Je teste, je note, je partage.',
    followersCount: 23_400,
    verified: true,
    lang: 'fr',
  },
  {
    username: 'nathan_girard',
    name: 'Nathan Girard',
    description: 'Toulouse, aéronautique, randonnée',
    followersCount: 58,
    lang: 'fr',
  },
  {
    username: 'lea_fontaine',
    name: 'Léa Fontaine',
    description: 'Prof des écoles. Lectrice compulsive.',
    followersCount: 742,
    lang: 'fr',
  },
  {
    username: 'mehdi_haddad',
    name: 'Mehdi Haddad',
    description: 'Lille · foot le dimanche, code en semaine',
    followersCount: 1_980,
    lang: 'fr',
  },
  {
    username: 'sarah_lambert',
    name: 'Sarah Lambert',
    description: 'Cheffe de projet, Nantes',
    followersCount: 264,
    lang: 'fr',
  },
  {
    username: 'antoine_mercier',
    name: 'Antoine Mercier',
    description: 'Journaliste conso. Vos galères m’intéressent.',
    followersCount: 182_000,
    verified: true,
    lang: 'fr',
  },
  {
    username: 'juliette_roux',
    name: 'Juliette Roux',
    description: 'Grenoble, montagne et plantes vertes',
    followersCount: 96,
    lang: 'fr',
  },
  {
    username: 'karim_bensaid',
    name: 'Karim Bensaïd',
    description: 'Artisan boulanger à Montpellier',
    followersCount: 3_115,
    lang: 'fr',
  },
  {
    username: 'emma_gauthier',
    name: 'Emma Gauthier',
    description: 'Strasbourg · musique classique',
    followersCount: 41,
    lang: 'fr',
  },
  {
    username: 'louis_chevalier',
    name: 'Louis Chevalier',
    description: 'Retraité curieux, Dijon',
    followersCount: 17,
    lang: 'fr',
  },
  {
    username: 'zoe_marchand',
    name: 'Zoé Marchand',
    description: 'Gameuse, streameuse le mardi soir',
    followersCount: 12_650,
    lang: 'fr',
  },
  {
    username: 'yanis_blanc',
    name: 'Yanis Blanc',
    description: 'Bruxelles. Frites, BD et bonne humeur.',
    followersCount: 508,
    lang: 'fr',
  },
  {
    username: 'aurelie_dumont',
    name: 'Aurélie Dumont',
    description: 'Comptable le jour, couturière le soir',
    followersCount: 233,
    lang: 'fr',
  },
  {
    username: 'maxime_fabre',
    name: 'Maxime Fabre',
    description: 'Genève · montres, trains et ponctualité',
    followersCount: 1_377,
    lang: 'fr',
  },
  {
    username: 'clara_nguyen',
    name: 'Clara Nguyen',
    description: 'Montréal. Cuisine, hockey et neige.',
    followersCount: 2_045,
    lang: 'fr',
  },
  {
    username: 'paul_bertrand',
    name: 'Paul Bertrand',
    description: 'Agriculteur bio dans le Gers',
    followersCount: 389,
    lang: 'fr',
  },
  {
    username: 'lina_cherif',
    name: 'Lina Chérif',
    description: 'Designer, Nice. Ici pour râler gentiment.',
    followersCount: 915,
    lang: 'fr',
  },
  {
    username: 'victor_lemaire',
    name: 'Victor Lemaire',
    description: 'Avocat. Les CGV, je les lis.',
    followersCount: 4_720,
    lang: 'fr',
  },
  {
    username: 'olivia_carter',
    name: 'Olivia Carter',
    description: 'Nurse in Leeds. Tea first, questions later.',
    followersCount: 276,
    lang: 'en',
  },
  {
    username: 'jack_thompson',
    name: 'Jack Thompson',
    description: 'Manchester · football, podcasts, bad puns',
    followersCount: 1_532,
    lang: 'en',
  },
  {
    username: 'amelia_hughes',
    name: 'Amelia Hughes',
    description: 'Product manager. Dublin.',
    followersCount: 3_890,
    lang: 'en',
  },
  {
    username: 'noah_patel',
    name: 'Noah Patel',
    description: 'Student in Toronto, mostly sleepy',
    followersCount: 64,
    lang: 'en',
  },
  {
    username: 'grace_okafor',
    name: 'Grace Okafor',
    description: 'Lagos → London. Fintech, family, food.',
    followersCount: 8_210,
    lang: 'en',
  },
  {
    username: 'ethan_brooks',
    name: 'Ethan Brooks',
    description: 'Dad of three, Ohio. Coffee dependent.',
    followersCount: 143,
    lang: 'en',
  },
  {
    username: 'mia_robinson',
    name: 'Mia Robinson',
    description: 'Consumer tech reviewer',
    followersCount: 96_300,
    verified: true,
    lang: 'en',
  },
  { username: 'liam_walsh', name: 'Liam Walsh', description: 'Carpenter in Cork', followersCount: 29, lang: 'en' },
  {
    username: 'sophie_baker',
    name: 'Sophie Baker',
    description: 'Bristol. Books, bikes and baking.',
    followersCount: 611,
    lang: 'en',
  },
  {
    username: 'daniel_kim',
    name: 'Daniel Kim',
    description: 'Seattle · cloud engineer, weekend hiker',
    followersCount: 2_770,
    lang: 'en',
  },
  {
    username: 'hannah_scott',
    name: 'Hannah Scott',
    description: 'Teacher. Opinions are my cat’s.',
    followersCount: 388,
    lang: 'en',
  },
  {
    username: 'omar_haddou',
    name: 'Omar Haddou',
    description: 'Small business owner, Birmingham',
    followersCount: 1_045,
    lang: 'en',
  },
  {
    username: 'ruby_evans',
    name: 'Ruby Evans',
    description: 'Cardiff. Rugby and retail therapy.',
    followersCount: 157,
    lang: 'en',
  },
  {
    username: 'lucy_ward',
    name: 'Lucy Ward',
    description: 'Freelance translator (EN/FR)',
    followersCount: 720,
    lang: 'en',
  },
  {
    username: 'sam_reyes',
    name: 'Sam Reyes',
    description: 'Austin. Tacos, vinyl, customer of everything.',
    followersCount: 11,
    lang: 'en',
  },
  {
    username: 'isla_murray',
    name: 'Isla Murray',
    description: 'Edinburgh · running, rain, repeat',
    followersCount: 4_305,
    verified: true,
    lang: 'en',
  },
];

export type OpeningKind = 'question' | 'complaint' | 'urgent' | 'praise';

/** First posts that mention the brand. */
export const OPENING_LINES: Readonly<Record<OpeningKind, Readonly<Record<Lang, readonly string[]>>>> = {
  question: {
    fr: [
      'Bonjour, est-ce que la commande {order} peut encore être livrée en point relais plutôt qu’à domicile ?',
      'Petite question : la garantie couvre-t-elle aussi la batterie, ou seulement l’appareil ?',
      'Vous acceptez les paiements en plusieurs fois ? Je ne vois pas l’option sur le site.',
      'Bonjour, je n’ai pas reçu la facture de ma commande {order}, vous pouvez me la renvoyer ?',
      'Est-ce que le modèle noir sera de nouveau en stock avant la fin du mois ?',
      'Une idée du délai pour une livraison en Suisse ? Le site indique seulement la France.',
      'Bonsoir, comment je fais pour changer le mot de passe de mon compte depuis l’appli ?',
      'Le retour est gratuit si le colis a été ouvert ? Je n’ai pas encore utilisé le produit.',
      'Est-ce que vous faites des réductions pour les étudiants ? J’ai ma carte de cette année.',
      'Bonjour, mon abonnement se renouvelle {day} : je peux le suspendre un mois sans le perdre ?',
    ],
    en: [
      'Hi, can I still switch order {order} to click and collect instead of home delivery?',
      'Quick question: does the warranty also cover the battery, or only the device itself?',
      'Do you offer gift wrapping? I cannot find the option at checkout.',
      'Hello, I never got the invoice for order {order}. Could you send it again please?',
      'Is the green one coming back in stock any time soon?',
      'How long does shipping to Ireland usually take? The site only mentions the UK.',
      'Hi there, how do I update my card details in the app? The button does nothing.',
      'Can I return an item bought with a gift card and get the balance back on the card?',
      'Do you price match if the same product is cheaper in your own store?',
      'My subscription renews on {day}. Can I pause it for a month without losing my plan?',
    ],
  },
  complaint: {
    fr: [
      'Commande {order} livrée chez le voisin du dessus qui ne répond jamais. Super pratique, merci.',
      'On m’a promis un rappel {day}, j’attends toujours. C’est la deuxième fois.',
      'Le chat en ligne me déconnecte au bout de {n} minutes d’attente, à chaque fois.',
      'Article reçu dans la mauvaise taille alors que la commande {order} indique bien du M.',
      'Votre appli me demande de me reconnecter toutes les heures, c’est pénible.',
      'Prix baissé de {n} euros deux jours après mon achat, et aucun geste possible ? Sérieux ?',
      'Le livreur a marqué « absent » alors que j’étais chez moi toute la journée de {day}.',
      'Je paie l’option express et le colis {order} met plus de temps que la livraison standard.',
    ],
    en: [
      'Order {order} was left with a neighbour I have never met. Not great.',
      'I was promised a call back on {day} and I am still waiting. Second time now.',
      'Your live chat drops me after {n} minutes in the queue, every single time.',
      'Got the wrong size for order {order} even though the confirmation says medium.',
      'The app keeps logging me out every hour. It is driving me mad.',
      'The price dropped by {n} pounds two days after I bought it and you can do nothing?',
      'The driver marked me as not home on {day} while I was sitting right by the door.',
      'I paid for express shipping and order {order} is slower than the standard option.',
    ],
  },
  urgent: {
    fr: [
      'Panne totale de l’appli depuis ce matin, impossible de payer quoi que ce soit. Vous êtes au courant ?',
      'Mon compte est bloqué depuis 3 jours et personne ne me répond. J’ai besoin d’une solution aujourd’hui.',
      'Remboursement de la commande {order} toujours pas reçu après {n} semaines. Je vais saisir ma banque.',
      'Produit cassé dès l’ouverture, et le service client ne décroche pas. C’est urgent, c’est un cadeau pour {day}.',
      'Encore une panne de réseau dans tout le quartier depuis hier soir, je télétravaille, je fais comment ?',
      'Débitée trois fois pour la commande {order} !! J’exige le remboursement immédiat des deux paiements en trop.',
      'Ma box ne marche plus depuis 3 jours, le voyant clignote rouge. Urgent, j’ai un entretien en visio {day}.',
    ],
    en: [
      'Your whole app is down, I cannot pay for anything. Is there an outage?',
      'My account has been locked for 3 days and nobody answers. I need this fixed today.',
      'Still no refund for order {order} after {n} weeks. I am about to dispute it with my bank.',
      'The device arrived broken and the phone line is closed. Urgent please, it is a gift for {day}.',
      'Internet outage in my whole street since last night and I work from home. What is going on?',
      'I was charged three times for order {order}!! I want a refund for the extra two right now.',
      'The router has been broken since {day}, the light is blinking red. I need it for work tomorrow.',
    ],
  },
  praise: {
    fr: [
      'Un grand merci à la personne du chat hier soir, patiente et efficace. Ça fait plaisir.',
      'Commande {order} arrivée en {n} jours au lieu de cinq, très bonne surprise !',
      'Échange fait en magasin en cinq minutes, sans ticket. Chapeau à l’équipe.',
      'Franchement la nouvelle version de l’appli est bien plus rapide, bravo.',
      'Je râle souvent, mais là le SAV a été parfait du début à la fin. Merci !',
    ],
    en: [
      'Huge thanks to whoever was on the chat last night, patient and quick. Made my day.',
      'Order {order} arrived in {n} days instead of five. Lovely surprise!',
      'Swapped my item in store in five minutes, no receipt needed. Great team.',
      'The new version of the app is so much faster, well done.',
      'I complain a lot, but your support was spot on this time. Thank you!',
    ],
  },
};

/** What a customer answers in public once the brand replied. */
export const FOLLOW_UP_REPLIES: Readonly<Record<Lang, readonly string[]>> = {
  fr: [
    'Merci, mais ça ne règle pas mon problème. Quelqu’un peut m’appeler ?',
    'D’accord, j’attends votre retour alors. Pas trop longtemps j’espère.',
    'C’est réglé de mon côté, merci pour votre aide !',
    'Je l’ai déjà fait deux fois, ça ne change rien…',
    'Vous pouvez me donner un délai précis ? J’ai besoin de m’organiser.',
    'Toujours rien depuis votre message de {day}, je relance.',
  ],
  en: [
    'Thanks, but that does not solve my problem. Can someone call me?',
    'Alright, I will wait for your update then. Hopefully not for too long.',
    'All sorted on my side now, thanks for the help!',
    'I have done that twice already and nothing changes…',
    'Can you give me an actual timeframe? I need to plan around it.',
    'Still nothing since your message on {day}, just chasing this up.',
  ],
};

/** A public reply pointing to the DM just sent. */
export const DM_NOTICE_REPLIES: Readonly<Record<Lang, readonly string[]>> = {
  fr: ['C’est fait, je vous ai écrit en privé avec le numéro.', 'Message privé envoyé, merci de regarder vite.'],
  en: ['Done, I have sent you a DM with the number.', 'Just sent you a DM, please have a look soon.'],
};

/** The DM a customer sends once asked for details (order number, account email). */
export const DM_ORDER_MESSAGES: Readonly<Record<Lang, readonly string[]>> = {
  fr: [
    'Bonjour, voici ma commande : {order}. Le nom sur le colis est le même que sur mon compte.',
    'Numéro de commande {order}, passée il y a {n} jours. Merci de me tenir au courant.',
    'Comme demandé : commande {order}. Je suis joignable par téléphone toute la journée.',
    'Re-bonjour, la commande concernée est la {order}. J’ai gardé le carton si besoin.',
  ],
  en: [
    'Hi, here is my order number: {order}. Same name on the parcel as on my account.',
    'Order number {order}, placed {n} days ago. Please keep me posted.',
    'As requested: order {order}. I can take a call any time today.',
    'Hello again, the order in question is {order}. I still have the box if needed.',
  ],
};

/** DMs a customer starts on their own, without a public post first. */
export const DM_OPENERS: Readonly<Record<Lang, readonly string[]>> = {
  fr: [
    'Bonjour, je préfère vous écrire ici : ma commande {order} n’est jamais arrivée.',
    'Bonsoir, une question sur ma facture de {day}, il y a une ligne que je ne comprends pas.',
    'Bonjour, pouvez-vous supprimer mon adresse de livraison enregistrée ? Merci.',
  ],
  en: [
    'Hi, I would rather write here: order {order} never arrived.',
    'Hello, a question about my bill from {day}, there is a line I do not understand.',
    'Hi, could you remove the delivery address saved on my account? Thanks.',
  ],
};

/** Someone else jumping into a customer's thread. */
export const THIRD_PARTY_REPLIES: Readonly<Record<Lang, readonly string[]>> = {
  fr: [
    'Pareil chez moi depuis ce matin, vous n’êtes pas seul(e).',
    'Même souci la semaine dernière, ils ont fini par me rembourser au bout de {n} jours.',
    'Courage, chez moi ça s’est réglé en appelant directement le service client.',
    '+1, j’ai exactement le même problème avec ma commande.',
    'Je confirme, c’est aussi le cas à Lyon depuis hier.',
  ],
  en: [
    'Same here since this morning, you are not alone.',
    'Had the same issue last week, they refunded me after {n} days in the end.',
    'Hang in there, mine got sorted once I called them directly.',
    '+1, exactly the same problem with my order.',
    'Can confirm, it is the same in London since yesterday.',
  ],
};

export const WEEKDAYS: Readonly<Record<Lang, readonly string[]>> = {
  fr: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'],
  en: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
};

/** Brand replies that ask the customer to move to DMs or give an order number (triggers a DM). */
export const ASKS_FOR_DM =
  /\b(DM|MP|message privé|messages privés|private message|direct message|numéro de commande|n° de commande|order number|order no|en privé)\b/i;
