/**
 * The shapes of abuse that every site gets, whatever its topic: an insult aimed at the
 * reader, name-calling, slurs, threats, people called vermin. Each training source holds
 * its own kind of abuse (news insults, coded political hate, slang tweets), so a word
 * model learned on some carries little to the others; these patterns name what is abuse
 * on any site. Each comes with a weight of its own (its prior, in logits), which training
 * and moderators can move but which holds where no example says otherwise.
 *
 * They are matched on the comment's folded words (see features.ts), so "YOU IDIOT" and
 * "i d i o t" are found as well. Rude words merely quoted or used for emphasis are not
 * here: "a stupid policy", "damn good" are blunt, not abuse.
 */
export const ABUSE_SIGNALS = {
  'insult-aimed': { prior: 4, reason: 'an insult aimed at the reader' },
  insult: { prior: 3.5, reason: "calls someone names ('idiot', 'moron')" },
  slur: { prior: 4, reason: 'a slur against a group of people' },
  threat: { prior: 4, reason: 'a threat, or violence wished on someone' },
  dehumanizing: { prior: 3.5, reason: 'people called animals or vermin' },
  contempt: { prior: 2.5, reason: 'calls someone or something stupid' },
} as const satisfies Record<string, { prior: number; reason: string }>;

export type AbuseSignalName = keyof typeof ABUSE_SIGNALS;

const words = (list: string) => list.trim().split(/\s+/).join('|');

// Nouns that only ever name a person as worthless or stupid.
const NAMES = String.raw`${words(`
  idiots? morons? imbeciles? cretins? dumbass(?:es)? jackass(?:es)? dipshits? dimwits? halfwits? nitwits? numbskulls?
  nincompoops? buffoons? retards? lowlifes? scumbags? douchebags? douche assholes? arseholes? bastards? twats? pricks?
  wankers? tossers? turds? shitheads? dickheads? dumbfucks? fuckwits? morrons? idoits? idiotas? pendejos?
  dorks? nutjobs? nutcases? dolts? twits? dingbats? airheads? bimbos? sleazebags? slimeballs? dirtbags?
  sluts? whores? thots? cunts? pussies
`)}|(?<!(?:karma|life|payback)(?: is|'s) a )bitch(?:es|ez)?|(?<!garden )hoes(?! (?:and|or) (?:rakes|shovels|spades))|pussy(?! ?cats?\b)|nut (?:jobs?|cases?)|low lifes?`;
// The same, coined for political sides and their leaders ("libtards", "demoRATs", "DemoKKKrats": the folded words squeeze "kkk" to "kk").
const COINED = String.raw`${words(`
  libtards? leftards? demonrats? demorats? dumbocrats? dimocrats? democraps? liebrals? repugs? repuglicans?
  rethuglicans? republicants? trumptards? trumpanzees? obummer odumbo obozo killary shillary hildebeast hitlery
  snowflakes? cucks? cuckservatives? feminazis? sheeple
`)}|dem\w*kk\w*|amerikka`;
// Nouns that also name things ("jerk chicken", "for Dummies") or people without scorn: milder names, an insult
// aimed at the reader ("you fool") or said of someone ("what a loser", "he is a fool", "a bunch of clowns").
const PERSON_NOUNS = words('fools? losers? clowns? hypocrites? liars? cowards? trolls? punks? scum dummies');
// Stupid, said of people rather than of a policy: "they are so stupid", "stupid voters".
const DULL = words('stupid dumb ignorant idiotic moronic brainless clueless retarded');
// Milder words, an insult only when aimed at the reader: "you fool", "you're pathetic" (not "you had a knee-jerk reaction").
const MILD = String.raw`(?<!knee )jerks?|${PERSON_NOUNS}|${DULL}|${words(`
  pathetic pigs? ugly worthless disgusting delusional deranged vile filthy
`)}`;
// Name-calling said of someone; "my hoe" is a tool (the plural "hoes" is a name above).
const MILD_NAMES = String.raw`${PERSON_NOUNS}|jerks?|hoes?`;
// What may stand between "what a" and the name: words that make it scorn ("what a pathetic loser"), not any word
// ("she was raising pigs", "it was April fools").
const SCORNFUL = words(`
  total complete utter absolute real right proper typical classic pathetic lying sore stupid dumb big little sad sorry bloody
  damn damned fucking spineless gutless miserable corrupt disgusting cowardly hypocritical
`);
const WHO = words(`
  he she they people folks voters liberals conservatives democrats republicans americans canadians women men kids
  trump obama hillary clinton politicians leftists
`);
const SLURS = words(`
  niggers? niggas? nigga nigger negroes kneegrows? jigaboos? darkies faggots? fags? dykes? trannys trannies
  kikes? spics chinks?(?! in) gooks wetbacks? beaners? ragheads? towelheads? sandniggers? muzrats? mooslimes?
  mooslims? muzzlims? muslimes musiims? muzzie\w* goatfuckers? camelfuckers? gypos? pakis? wogs? japs? zipperheads? shemales? heebs?
`);
const ANIMALS = words(`
  animals vermin parasites savages cockroaches roaches rats subhumans? apes monkeys leeches maggots filth scum swine
  beasts insects
`);
// What a whole group of people is called when it is slandered: "immigrants are criminals".
const TRAITS = words(`
  criminals rapists terrorists murderers pedophiles perverts inferior subhumans? parasites savages animals vermin
  cockroaches a disease a cancer a plague mentally ill breeding
`);
const GROUPS = words(`
  muslims islam immigrants illegals refugees migrants mexicans blacks jews arabs africans gays homosexuals lesbians
  transgenders women feminists
`);
// The ones never meant literally of people in front of them: "these savages", but not "these animals".
const FIGURATIVE = words('vermin parasites savages subhumans? maggots filth scum');
const PEOPLE = words(`
  they them these those people muslims? islam immigrants? illegals? refugees? migrants? mexicans? blacks?
  whites? jews? arabs? africans? gays? liberals? democrats? republicans? conservatives? leftists? women feminists?
`);

const YOU = String.raw`(?:you|ya|u|ur|your|you're|youre|yourself|yourselves|thou)`;
// Words that turn an insult away from the reader: "you are not stupid", "you know i'm stupid", "you call them liars".
const TURNING = String.raw`(?:not|never|no|isn't|aren't|wasn't|don't|didn't|nor|hardly|i|i'm|im|me|my|we|us|he|she|it|they|him|her|them|his|their|this|that|these|those)`;
// "you" and the insult at most three words apart, and nothing between that turns it away.
const AIMED = new RegExp(
  String.raw`\b${YOU} (?:(?!${TURNING}\b)[\w']+ ){0,3}(?:${NAMES}|${COINED}|${MILD})\b|\b(?:${NAMES}|${COINED}|${MILD}) (?:like|than) (?:you|u|yourself)\b|\b(?:stfu|kys|go to hell|screw you|piss off|fuck (?:you|off)|eat shit|shut (?:up|your) (?:you|stupid|fat|mouth|pie hole|trap)) `,
);
// Contempt: "stupid", "idiotic", said of anyone or anything. Civil Comments' raters count it as toxic nearly always, so
// it weighs, but less than an insult: alone it is a judgement call. Not when denied or said of oneself: "you are
// not stupid", "I was dumb enough to".
const CONTEMPT = new RegExp(
  String.raw`\b(?<!\b(?:not|never|isn't|aren't|wasn't|weren't|i'm|im|i am|i was|i feel|i felt|me) (?:\w+ )?)(?:stupid|stupidity|dumb|dumber|dumbest|idiotic|idiocy|moronic|asinine|imbecilic|brainless|retarded)\b`,
);
const NAME_CALLING = new RegExp(
  String.raw`\b(?:${NAMES}|${COINED})\b|\b(?:what|such|these|those|is|was|he's|she's|hes|shes|they're|theyre|are|were|bunch of|pack of|group of) (?:an? )?(?:(?:${SCORNFUL}) )?(?:${MILD_NAMES})\b|\b(?:(?:${WHO}) (?:is|are|was|were)|he's|she's|hes|shes|they're|theyre) (?:so |really |just |that |too |plain |pretty |very |truly )?(?:${DULL})\b|\b(?:${DULL}) (?:${WHO}|person)\b`,
);
const SLUR = new RegExp(
  String.raw`\b(?:${SLURS})\b|\bsand (?:niggers?|knee ?grows?)\b|\bknee grows?\b|\b(?:porch|sand) monkeys?\b|\bmooh? ?slums?\b`,
);
const THREAT = new RegExp(
  String.raw`\b(?:kill yourself|kill yourselves|hope (?:you|u|he|she|they) (?:\w+ )?(?:die|dies|rot|burn|get raped|gets raped|get shot|gets shot)(?! (?:peacefully|happy|old|of old age|in (?:his|her|their|your) sleep))|(?:i|we)(?:'ll| will| am going to|'m going to|'m gonna| gonna| would love to) (?:\w+ )?(?:kill|shoot|hang|stab|rape) (?:you|u|him|her|them)|hunt (?:you|u|him|her|them) down|(?:should|ought to|deserves? to|needs? to) (?:all )?be (?:\w+ )?(?:shot(?! down)|hanged|lynched|gassed|beheaded|burned alive|exterminated)|(?:line|string) (?:them|'em|em) up|(?:shoot|hang|kill) (?:them|'em|em) all|(?:you|u|he|she|they|them) (?:all )?(?:should|must|deserves? to|ought to) (?:all )?die)\b`,
);
const DEHUMANIZING = new RegExp(
  String.raw`\b(?:${GROUPS}) (?:are|were|will always be|have always been) (?:(?:all|just|nothing but|mostly|a bunch of|like) )*(?:${TRAITS})\b|\b(?:${PEOPLE}) (?:(?:are|were|is|all|just|nothing but|like|act like|behave like|breed like|bunch of|such|filthy|dirty|disgusting) )+(?:${ANIMALS})\b|\b(?:these|those|such|filthy|dirty) (?:${FIGURATIVE})\b|\b(?:bunch|hordes?|hoards?|pack|herd) of (?:\w+ )?(?:${ANIMALS})\b`,
);

/** The abuse signals a comment's folded words show, as `sig:` features of the abuse model. */
export function abuseSignals(words: readonly string[]): AbuseSignalName[] {
  const sentence = ` ${words.join(' ')} `;
  const found: AbuseSignalName[] = [];
  if (AIMED.test(sentence)) found.push('insult-aimed');
  else if (NAME_CALLING.test(sentence)) found.push('insult');
  else if (CONTEMPT.test(sentence)) found.push('contempt');
  if (SLUR.test(sentence)) found.push('slur');
  if (THREAT.test(sentence)) found.push('threat');
  if (DEHUMANIZING.test(sentence)) found.push('dehumanizing');
  return found;
}
