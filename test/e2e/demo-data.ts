/** Comments that look like a real review queue, for the browser test and its screenshot. */

export interface DemoComment {
  site: 'notes' | 'kitchen';
  pageId: string;
  pageUrl: string;
  pageTitle: string;
  name: string;
  email: string;
  website?: string;
  text: string;
  /** Sent as X-Forwarded-For (the test trusts the loopback proxy): documentation addresses only. */
  ip: string;
}

export const DEMO_SITES: Record<DemoComment['site'], { name: string; origins: string[] }> = {
  notes: { name: 'Field Notes', origins: ['https://fieldnotes.example'] },
  kitchen: { name: 'Kitchen Table', origins: ['https://kitchentable.example'] },
};

const winterBirding = {
  site: 'notes',
  pageId: 'winter-birding',
  pageUrl: 'https://fieldnotes.example/2026/winter-birding',
  pageTitle: 'Winter birding on the coast',
} as const;

const sourdough = {
  site: 'kitchen',
  pageId: 'sourdough-starter',
  pageUrl: 'https://kitchentable.example/sourdough-starter',
  pageTitle: 'Keeping a sourdough starter alive',
} as const;

/** Oldest first, as they are posted; the queue shows the newest first. */
export const DEMO_COMMENTS: DemoComment[] = [
  {
    ...sourdough,
    name: 'Marta Kowalski',
    ip: '198.51.100.23',
    email: 'marta.k@example.org',
    text: '> Feed it twice a day\n\nIn winter, once a day is plenty for mine. I keep it on top of the fridge.',
  },
  {
    ...winterBirding,
    name: 'Jo <script>alert(1)</script>',
    ip: '192.0.2.200',
    email: 'jo@example.net',
    text: 'Does <b>bold</b> work here? <img src=x onerror=alert(1)> Asking for a friend.',
  },
  {
    ...winterBirding,
    name: 'Ravi Patel',
    ip: '2001:db8:85a3::8a2e:370:7334',
    email: 'ravi@example.com',
    website: 'https://ravi.example',
    text: 'Small correction: the ferry to the island leaves at **7:40**, not 7:15.\n\nStill the best guide to the estuary I have found.',
  },
  {
    ...winterBirding,
    name: 'Coastal Birding Club',
    ip: '203.0.113.57',
    email: 'hello@coastalbirding.example',
    website: 'https://coastalbirding.example',
    text: 'Great write-up! Tide tables [here](https://tides.example/estuary), our [spring walks](https://coastalbirding.example/walks) and the ringing report at https://coastalbirding.example/ringing-2025',
  },
  {
    ...winterBirding,
    name: 'Ann Reader',
    ip: '198.51.100.7',
    email: 'ann.reader@example.com',
    text: 'Lovely write-up! The *dunlin* photo is my favourite. Which lens did you use?',
  },
];
