// The vocabulary of the generated workspaces. Each list is indexed by a hash in SQL, so its
// length and order are part of what a seed produces: append, never reorder.

export const firstNames = [
  // English-speaking
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Christopher', 'Karen',
  'Daniel', 'Emily', 'Matthew', 'Ashley', 'Anthony', 'Megan', 'Mark', 'Hannah', 'Steven', 'Olivia',
  'Andrew', 'Emma', 'Joshua', 'Abigail', 'Kevin', 'Madison', 'Brian', 'Chloe', 'Ryan', 'Grace',
  'Jacob', 'Lily', 'Noah', 'Ava', 'Liam', 'Mia', 'Ethan', 'Harper', 'Logan', 'Zoey',
  // Spanish and Portuguese
  'José', 'María', 'Lucía', 'Sofía', 'Andrés', 'Martín', 'Inés', 'Raúl', 'Adrián', 'Ramón',
  'Ana', 'Camila', 'Diego', 'Valentina', 'Joaquín', 'João', 'Conceição', 'Gonçalo',
  // French
  'François', 'Chloé', 'Hélène', 'Amélie', 'Noël', 'Zoë', 'Léa', 'Théo', 'Jérôme', 'Renée', 'Cécile', 'Anaïs',
  // German, Nordic, Central and Eastern European
  'Jürgen', 'Björn', 'Günter', 'Käthe', 'Jörg', 'Søren', 'Åsa', 'Ingrid', 'Øystein', 'Łukasz', 'Małgorzata',
  'Zoltán', 'Dvořák', 'Tomáš', 'Ayşe', 'Çağla', 'Mehmet',
  // South Asian
  'Aarav', 'Priya', 'Ananya', 'Rohan', 'Vikram', 'Lakshmi', 'Saanvi', 'Arjun', 'Ishaan', 'Diya',
  'Rahul', 'Neha', 'Aditya', 'Kavya', 'Sanjay', 'Pooja', 'Harpreet', 'Gurpreet', 'Meenakshi', 'Venkatesh',
  'Sneha', 'Karthik', 'Anjali', 'Suresh', 'Deepika',
  // East and Southeast Asian
  'Wei', 'Mei', 'Jun', 'Xiu', 'Hiroshi', 'Yuki', 'Haruto', 'Sakura', 'Min-jun', 'Seo-yeon', 'Thảo', 'Minh',
  // Middle Eastern and African
  'Omar', 'Fatima', 'Layla', 'Youssef', 'Amira', 'Chidi', 'Amara', 'Kwame', 'Ngozi', 'Thandiwe', 'Tendai', 'Zainab',
];

export const lastNames = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor',
  'Thomas', 'Moore', 'Martin', 'Jackson', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson',
  'Hill', 'Campbell', 'Mitchell', 'Roberts', 'Carter', 'Phillips', 'Evans', 'Turner', 'Parker', 'Collins',
  "O'Brien", "O'Connor", 'McDonald', 'MacLeod', 'Fitzgerald',
  'García', 'Martínez', 'Rodríguez', 'Hernández', 'López', 'González', 'Pérez', 'Sánchez', 'Ramírez', 'Núñez',
  'Muñoz', 'Jiménez', 'Gómez', 'Díaz', 'Álvarez', 'Gonçalves', 'Araújo', 'Magalhães', 'Conceição',
  'Müller', 'Schröder', 'Weiß', 'Schäfer', 'Köhler', 'Groß', 'Dubois', 'Lefèvre', 'Girard', 'Bérubé',
  'Beaulieu', 'Sørensen', 'Åkesson', 'Østergaard', 'Kowalski', 'Wiśniewski', 'Wójcik', 'Nowak', 'Dvořák', 'Novák',
  'Yılmaz', 'Öztürk', 'Şahin', 'Çelik', 'Kovács', 'Szabó',
  'Sharma', 'Patel', 'Iyer', 'Reddy', 'Nair', 'Gupta', 'Singh', 'Kumar', 'Khan', 'Das',
  'Mehta', 'Joshi', 'Menon', 'Pillai', 'Chatterjee', 'Banerjee', 'Agarwal', 'Bhat', 'Kulkarni', 'Rao',
  'Chen', 'Wang', 'Li', 'Zhang', 'Liu', 'Kim', 'Park', 'Lee', 'Nguyễn', 'Trần',
  'Tanaka', 'Sato', 'Suzuki', 'Takahashi', 'Watanabe',
  'Okafor', 'Mensah', 'Adeyemi', 'Nkosi', 'Haddad', 'Mansour', 'El-Amin', 'Costa', 'Rossi', 'Bianchi',
];

export const titles = [
  'Owner', 'Founder', 'Co-founder', 'CEO', 'COO', 'CFO', 'Head of Sales', 'Sales Manager', 'Account Executive',
  'Marketing Manager', 'Office Manager', 'Operations Lead', 'Purchasing Manager', 'Procurement Officer',
  'IT Manager', 'HR Manager', 'Store Manager', 'General Manager', 'Director of Partnerships', 'Consultant',
];

export const sources = ['Website form', 'Import', 'Referral', 'Trade show', 'Cold call', 'Website chat', 'Partner', 'Event', 'LinkedIn', 'Google Ads'];

export const freeMailDomains = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'proton.me', 'aol.com', 'rediffmail.com', 'gmx.de', 'yahoo.co.in'];

export const companyPrefixes = [
  'Acme', 'Blue River', 'Summit', 'Northwind', 'Evergreen', 'Silver Oak', 'Golden Gate', 'Redwood', 'Bright Path', 'Ironclad',
  'Lakeside', 'Harbor', 'Pioneer', 'Cedar', 'Maple Leaf', 'Granite', 'Sunrise', 'Horizon', 'Keystone', 'Riverbend',
  'Skyline', 'Copper', 'Falcon', 'Orchid', 'Lotus', 'Saffron', 'Indus', 'Ganga', 'Himalaya', 'Deccan',
  'Nordlicht', 'Alpen', 'Rhein', 'Zürich', 'Côte', 'Étoile', 'Soleil', 'Brisa', 'Andes', 'Pampa',
  'Kestrel', 'Osprey', 'Heron', 'Willow', 'Aspen', 'Juniper', 'Sequoia', 'Magnolia', 'Bluebird', 'Starling',
];

export const companyCores = [
  'Bakery', 'Plumbing', 'Dental', 'Fitness', 'Logistics', 'Analytics', 'Software', 'Design', 'Consulting', 'Catering',
  'Roofing', 'Landscaping', 'Realty', 'Motors', 'Clinic', 'Pharma', 'Textiles', 'Foods', 'Organics', 'Coffee',
  'Tea', 'Spices', 'Electric', 'Solar', 'Robotics', 'Labs', 'Studio', 'Media', 'Travel', 'Outfitters',
];

export const companySuffixes = ['Inc', 'LLC', 'Co', 'Pvt Ltd', 'Ltd', 'GmbH', 'Pty Ltd', 'Group', '', ''];

export const industries = [
  'Retail', 'Food & beverage', 'Health care', 'Construction', 'Software', 'Professional services', 'Manufacturing',
  'Education', 'Hospitality', 'Real estate', 'Transportation', 'Finance', 'Media', 'Agriculture', 'Energy',
];

export const companySizes = ['1-10', '11-50', '51-200', '201-500', '501-1000', '1000+'];

export const streets = [
  'Main St', 'Oak Ave', 'Pine St', 'Maple Dr', 'Cedar Ln', 'Elm St', 'Washington Blvd', 'Lake Rd', 'Hill St', 'Park Ave',
  'Market St', 'Mission St', 'Valencia St', 'Church St', 'Broadway', 'Sunset Blvd', 'Congress Ave', 'MG Road',
  'Brigade Road', 'Linking Road', 'Anna Salai', 'Residency Road', 'High Street', 'King Street', 'Queen Street',
  'Hauptstraße', 'Schönhauser Allee', 'Königsallee', 'George Street', 'Collins Street', 'Rue de la Paix',
];

export const tagNames = [
  'VIP', 'Newsletter', 'Webinar 2026', 'Partner', 'Referral', 'Trade show', 'Hot', 'Cold', 'Enterprise', 'SMB',
  'Churn risk', 'Upsell', 'Event: SaaStr', 'Diwali promo', 'Black Friday',
];

export const tagColors = ['#e11d48', '#2563eb', '#16a34a', '#ca8a04', '#9333ea', '#0891b2', '#ea580c', '#4b5563'];

export const lostReasons = ['Price too high', 'Went with a competitor', 'No budget', 'No decision', 'Timing', 'Bad fit'];

export const competitors = ['HubSpot', 'Salesforce', 'Pipedrive', 'Zoho', 'Freshsales', 'Monday', 'Spreadsheet'];

export const dealWords = ['Renewal', 'Expansion', 'Pilot', 'Annual plan', 'Website rebuild', 'Catering contract', 'Fleet upgrade', 'Support plan', 'Onboarding', 'License'];

/**
 * Where people live. `weight` rows out of 100 pick each place, so that a filter such as
 * "zip codes 94xxx" returns a realistic slice (the Bay Area rows: about 10 %).
 * Postal codes: `digits` appends random digits to `postal` up to `postalLength`; `outward`
 * (UK) and `fsa` (Canada) add the inward part to the outward code in `postal`.
 * Phones: `nanp` is +1, an area code of the place and seven digits; `digits` is the country
 * code, a prefix and `phoneLength` random digits (mobile ranges that libphonenumber accepts).
 */
export interface Place {
  city: string;
  state: string;
  country: string;
  postal: string;
  postalKind: 'digits' | 'outward' | 'fsa';
  postalLength: number;
  timeZone: string;
  phoneKind: 'nanp' | 'digits';
  countryCode: string;
  phonePrefixes: string[];
  phoneLength: number;
  weight: number;
}

const us = (city: string, state: string, zip3: string, areaCodes: string[], timeZone: string, weight: number): Place => ({
  city, state, country: 'US', postal: zip3, postalKind: 'digits', postalLength: 5, timeZone, phoneKind: 'nanp', countryCode: '1', phonePrefixes: areaCodes, phoneLength: 7, weight,
});
const india = (city: string, state: string, pin3: string, weight: number): Place => ({
  city, state, country: 'IN', postal: pin3, postalKind: 'digits', postalLength: 6, timeZone: 'Asia/Kolkata', phoneKind: 'digits', countryCode: '91',
  phonePrefixes: ['98', '99', '97', '96', '94', '93', '90', '88', '87', '85', '81', '80', '78', '77', '70', '63'], phoneLength: 8, weight,
});
const gb = (city: string, outward: string, weight: number): Place => ({
  city, state: 'England', country: 'GB', postal: outward, postalKind: 'outward', postalLength: 0, timeZone: 'Europe/London', phoneKind: 'digits', countryCode: '44',
  phonePrefixes: ['74', '75', '78'], phoneLength: 8, weight,
});
const de = (city: string, state: string, zip2: string, weight: number): Place => ({
  city, state, country: 'DE', postal: zip2, postalKind: 'digits', postalLength: 5, timeZone: 'Europe/Berlin', phoneKind: 'digits', countryCode: '49',
  phonePrefixes: ['151', '152', '157', '176', '177', '178', '179'], phoneLength: 8, weight,
});
const ca = (city: string, state: string, fsa: string, areaCodes: string[], timeZone: string, weight: number): Place => ({
  city, state, country: 'CA', postal: fsa, postalKind: 'fsa', postalLength: 0, timeZone, phoneKind: 'nanp', countryCode: '1', phonePrefixes: areaCodes, phoneLength: 7, weight,
});
const au = (city: string, state: string, zip2: string, timeZone: string, weight: number): Place => ({
  city, state, country: 'AU', postal: zip2, postalKind: 'digits', postalLength: 4, timeZone, phoneKind: 'digits', countryCode: '61',
  phonePrefixes: ['40', '41', '42', '43', '48'], phoneLength: 7, weight,
});

export const places: Place[] = [
  us('San Francisco', 'CA', '941', ['415', '628'], 'America/Los_Angeles', 5),
  us('Palo Alto', 'CA', '943', ['650'], 'America/Los_Angeles', 2),
  us('Oakland', 'CA', '946', ['510'], 'America/Los_Angeles', 2),
  us('Berkeley', 'CA', '947', ['510'], 'America/Los_Angeles', 1),
  us('San Jose', 'CA', '951', ['408', '669'], 'America/Los_Angeles', 2),
  us('Los Angeles', 'CA', '900', ['213', '310', '323'], 'America/Los_Angeles', 5),
  us('San Diego', 'CA', '921', ['619', '858'], 'America/Los_Angeles', 2),
  us('Seattle', 'WA', '981', ['206'], 'America/Los_Angeles', 3),
  us('Portland', 'OR', '972', ['503', '971'], 'America/Los_Angeles', 2),
  us('Austin', 'TX', '787', ['512', '737'], 'America/Chicago', 4),
  us('Dallas', 'TX', '752', ['214', '469', '972'], 'America/Chicago', 3),
  us('Houston', 'TX', '770', ['713', '281', '832'], 'America/Chicago', 3),
  us('Denver', 'CO', '802', ['303', '720'], 'America/Denver', 2),
  us('Phoenix', 'AZ', '850', ['602', '480'], 'America/Phoenix', 2),
  us('Chicago', 'IL', '606', ['312', '773'], 'America/Chicago', 4),
  us('Minneapolis', 'MN', '554', ['612'], 'America/Chicago', 1),
  us('Nashville', 'TN', '372', ['615'], 'America/Chicago', 2),
  us('New York', 'NY', '100', ['212', '646', '917'], 'America/New_York', 6),
  us('Brooklyn', 'NY', '112', ['718', '347'], 'America/New_York', 2),
  us('Boston', 'MA', '021', ['617', '857'], 'America/New_York', 3),
  us('Atlanta', 'GA', '303', ['404', '470'], 'America/New_York', 2),
  us('Miami', 'FL', '331', ['305', '786'], 'America/New_York', 2),
  india('Bengaluru', 'KA', '560', 5),
  india('Mumbai', 'MH', '400', 5),
  india('New Delhi', 'DL', '110', 4),
  india('Chennai', 'TN', '600', 2),
  india('Pune', 'MH', '411', 2),
  india('Hyderabad', 'TG', '500', 2),
  gb('London', 'EC1A', 1),
  gb('London', 'SW1A', 1),
  gb('London', 'N1', 1),
  gb('London', 'E2', 1),
  gb('London', 'W1D', 1),
  gb('Manchester', 'M1', 2),
  de('Berlin', 'BE', '10', 2),
  de('München', 'BY', '80', 2),
  ca('Toronto', 'ON', 'M5V', ['416', '647', '437'], 'America/Toronto', 3),
  ca('Vancouver', 'BC', 'V6B', ['604', '778'], 'America/Vancouver', 2),
  au('Sydney', 'NSW', '20', 'Australia/Sydney', 2),
  au('Melbourne', 'VIC', '30', 'Australia/Melbourne', 2),
];
