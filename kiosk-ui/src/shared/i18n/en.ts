import type { Messages } from './ja';

export const en: Messages = {
  'language.self': 'English',
  'language.picker': 'Language',

  'kiosk.pageTitle': 'Toyonaka City service kiosk',
  'kiosk.municipality': 'Toyonaka City',
  'kiosk.subtitle': 'Service kiosk',
  'kiosk.choose': 'Please choose a service',
  'kiosk.services': 'Services',
  'kiosk.offline.hub': 'Cannot connect to the center. Certificates are temporarily unavailable.',
  'kiosk.offline.agent': 'This kiosk is getting ready. Please wait a moment.',
  'kiosk.outOfService.heading': 'Out of service',
  'kiosk.outOfService.body': 'This kiosk cannot be used at the moment. We apologize for the inconvenience.',
  'kiosk.notYet.heading': 'This screen is not available yet',
  'kiosk.notYet.body': 'The “{service}” screen is still being prepared. Please use a service counter instead.',
  'kiosk.idleHint': 'If nothing is touched for {seconds} seconds, the first screen is shown again.',
  'kiosk.back': 'Back',
  'kiosk.a11y.bar': 'Display settings',
  'kiosk.a11y.largeText': 'Larger text',
  'kiosk.a11y.highContrast': 'High contrast',

  'service.certificates.name': 'Certificates',
  'service.certificates.description':
    'Get a certificate of residence, a seal registration certificate and more with your My Number Card',
  'service.certificates.unavailable': 'Currently unavailable',
  'service.lottery.name': 'Facility booking & lottery',
  'service.lottery.description': 'Check availability of gyms, tennis courts and more, and apply for lotteries',

  'device.card-reader': 'Card reader',
  'device.receipt-printer': 'Receipt printer',
  'device.document-printer': 'Certificate printer',
  'device.coin-acceptor': 'Coin acceptor',
  'device.coin-hopper': 'Change dispenser',
  'device.barcode-scanner': 'Barcode scanner',
  'device.pin-pad': 'PIN pad',
  'deviceStatus.ok': 'OK',
  'deviceStatus.warning': 'Warning',
  'deviceStatus.error': 'Error',
  'deviceStatus.missing': 'Missing',

  'time.justNow': 'just now',
  'time.secondsAgo': '{n} s ago',
  'time.minutesAgo': '{n} min ago',
  'time.hoursAgo': '{n} h ago',
  'time.daysAgo': '{n} d ago',
  'time.never': 'never',
};
