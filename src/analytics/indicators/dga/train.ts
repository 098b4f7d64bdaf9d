/**
 * Builds dga-model.json, the character trigram model of benign names (char-model.ts). Run by
 * hand when the corpus or the smoothing changes, and commit the result:
 *
 *   apt-get install wamerican          # Debian's American English word list (SCOWL size 50)
 *   node src/analytics/indicators/dga/train.ts [/usr/share/dict/american-english]
 *
 * Corpus: every word of the list that is all lower-case ASCII letters (63,875 in wamerican
 * 2020.12.07-2: no proper nouns, no possessives), plus BENIGN_LABELS below — hand-written
 * names of widely used sites and services, some with digits or hyphens, which English lacks —
 * each counted HAND_WEIGHT times. Every tenth word (in sorted order) and every tenth hand
 * label are held out of training; their scores calibrate the p-value.
 * Output is deterministic: the same word list gives the same file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CharModel, scoreLabel } from './char-model.ts';

const HAND_WEIGHT = 10;
const LAMBDAS: [number, number, number, number] = [0.6, 0.3, 0.09, 0.01];
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789-$';
const CALIBRATION_MIN_LENGTH = 6;

/** Names of widely used sites and services (registrable labels, public suffix removed). */
export const BENIGN_LABELS: readonly string[] = [
  'google', 'youtube', 'facebook', 'amazon', 'wikipedia', 'twitter', 'instagram', 'linkedin', 'reddit', 'netflix',
  'microsoft', 'office', 'office365', 'microsoft365', 'outlook', 'live', 'bing', 'yahoo', 'apple', 'icloud',
  'github', 'gitlab', 'bitbucket', 'stackoverflow', 'stackexchange', 'salesforce', 'slack', 'zoom', 'dropbox',
  'wetransfer', 'adobe', 'paypal', 'ebay', 'walmart', 'target', 'bestbuy', 'cnn', 'bbc', 'nytimes', 'theguardian',
  'wsj', 'bloomberg', 'reuters', 'forbes', 'weather', 'espn', 'imdb', 'pinterest', 'tumblr', 'wordpress', 'medium',
  'quora', 'spotify', 'twitch', 'discord', 'whatsapp', 'telegram', 'zendesk', 'atlassian', 'okta', 'workday',
  'servicenow', 'oracle', 'ibm', 'cisco', 'vmware', 'intel', 'nvidia', 'dell', 'lenovo', 'samsung', 'sony',
  'cloudflare', 'akamai', 'akamaihd', 'fastly', 'cloudfront', 'azure', 'windows', 'sharepoint', 'onedrive',
  'skype', 'hubspot', 'zoominfo', 'gong', 'crunchbase', 'canva', 'semrush', 'vimeo', 'unsplash', 'statuspage',
  'intercom', 'investing', 'indeed', 'glassdoor', 'shrm', 'westlaw', 'lexisnexis', 'cornell', 'europa', 'mitre',
  'economist', 'pitchbook', 'hbr', 'ft', 'sec', 'irs', 'xe', 'gmail', 'protonmail', 'mega', 'box', 'docusign',
  'zoho', 'mailchimp', 'shopify', 'squarespace', 'wix', 'godaddy', 'namecheap', 'digitalocean', 'heroku',
  'netlify', 'vercel', 'npmjs', 'pypi', 'docker', 'kubernetes', 'jetbrains', 'mozilla', 'firefox', 'chrome',
  'gstatic', 'googleapis', 'googleusercontent', 'doubleclick', 'googlesyndication', 'fbcdn', 'twimg', 'ytimg',
  'msftauth', 'msedge', 'office365', 'live', 'hotmail', 'aol', 'yandex', 'baidu', 'qq', 'taobao', 'alibaba',
  'aliexpress', 'tmall', 'weibo', 'sohu', 'naver', 'rakuten', 'booking', 'expedia', 'tripadvisor', 'airbnb',
  'uber', 'lyft', 'doordash', 'grubhub', 'craigslist', 'etsy', 'ikea', 'costco', 'homedepot', 'lowes',
  'chase', 'wellsfargo', 'bankofamerica', 'citi', 'americanexpress', 'capitalone', 'fidelity', 'vanguard',
  'schwab', 'nasdaq', 'marketwatch', 'cnbc', 'yahoofinance', 'coinbase', 'stripe', 'square', 'intuit',
  'quickbooks', 'turbotax', 'adp', 'gusto', 'greenhouse', 'lever', 'monster', 'ziprecruiter', 'coursera',
  'udemy', 'khanacademy', 'duolingo', 'quizlet', 'chegg', 'nationalgeographic', 'nasa', 'noaa', 'cdc', 'nih',
  'who', 'un', 'gov', 'usps', 'fedex', 'ups', 'dhl', 'verizon', 'att', 'tmobile', 'comcast', 'xfinity',
  'spectrum', 'vodafone', 'orange', 'telekom', 'o2', '1password', 'lastpass', 'bitwarden', '9gag', '4chan',
  '7eleven', '3m', '360', '163', '1688', '500px', '99designs', '123rf', 'w3schools', 'web3', 'mp3', 'b2b',
  'e-bay', 'x-rates', 'the-guardian', 'stack-overflow', 'dw', 'lemonde', 'spiegel', 'elpais', 'corriere',
  'nhk', 'abc', 'nbc', 'cbs', 'foxnews', 'npr', 'pbs', 'time', 'vox', 'wired', 'techcrunch', 'theverge',
  'arstechnica', 'engadget', 'zdnet', 'cnet', 'gizmodo', 'mashable', 'buzzfeed', 'huffpost', 'usatoday',
  'washingtonpost', 'latimes', 'chicagotribune', 'bostonglobe', 'politico', 'axios', 'theatlantic',
  'newyorker', 'nature', 'sciencedirect', 'springer', 'wiley', 'elsevier', 'jstor', 'arxiv', 'researchgate',
  'academia', 'scholar', 'pubmed', 'ncbi', 'mayoclinic', 'webmd', 'healthline', 'clevelandclinic',
];

function main(): void {
  const path = process.argv[2] ?? '/usr/share/dict/american-english';
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    console.error(`cannot read ${path}: install Debian's word list (apt-get install wamerican) or pass a path`);
    process.exit(1);
  }
  const words = [...new Set(text.split('\n').map((w) => w.trim()).filter((w) => /^[a-z]+$/.test(w)))].sort();
  const hand = [...new Set(BENIGN_LABELS)].sort();
  const train: Array<[string, number]> = [];
  const heldOutNames: string[] = [];
  words.forEach((w, i) => (i % 10 === 9 ? heldOutNames.push(w) : train.push([w, 1])));
  hand.forEach((w, i) => (i % 10 === 9 ? heldOutNames.push(w) : train.push([w, HAND_WEIGHT])));

  const unigrams: Record<string, number> = {};
  const bigrams: Record<string, number> = {};
  const trigrams: Record<string, number> = {};
  for (const [w, weight] of train) {
    const s = `^^${w}$`;
    for (let i = 2; i < s.length; i++) {
      const c = s[i]!;
      unigrams[c] = (unigrams[c] ?? 0) + weight;
      bigrams[s[i - 1]! + c] = (bigrams[s[i - 1]! + c] ?? 0) + weight;
      trigrams[s[i - 2]! + s[i - 1]! + c] = (trigrams[s[i - 2]! + s[i - 1]! + c] ?? 0) + weight;
    }
  }
  const sortKeys = (o: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
  const model: CharModel = {
    trainedOn:
      `Debian wamerican 2020.12.07-2 (/usr/share/dict/american-english, SCOWL size 50): the ${words.length} ` +
      `all-lower-case ASCII words, 90 % for training and every tenth held out; plus ${hand.length} hand-written ` +
      `names of widely used sites and services (src/analytics/indicators/dga/train.ts, BENIGN_LABELS), weighted ` +
      `${HAND_WEIGHT}x, every tenth held out. Held-out names of at least ${CALIBRATION_MIN_LENGTH} characters calibrate the p-value.`,
    lambdas: LAMBDAS,
    alphabet: ALPHABET,
    unigrams: sortKeys(unigrams),
    bigrams: sortKeys(bigrams),
    trigrams: sortKeys(trigrams),
    calibrationMinLength: CALIBRATION_MIN_LENGTH,
    heldOut: [],
  };
  model.heldOut = heldOutNames
    .filter((w) => w.length >= CALIBRATION_MIN_LENGTH)
    .map((w) => Math.round(scoreLabel(model, w) * 1000) / 1000)
    .sort((a, b) => a - b);
  const out = fileURLToPath(new URL('./dga-model.json', import.meta.url));
  writeFileSync(out, `${JSON.stringify(model)}\n`);
  console.log(
    JSON.stringify({
      out,
      words: words.length,
      hand: hand.length,
      trigrams: Object.keys(trigrams).length,
      heldOut: model.heldOut.length,
      bytes: JSON.stringify(model).length,
    }),
  );
}

main();
