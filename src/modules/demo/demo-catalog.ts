import type { TenantRole } from '../../auth/principal';

/** Reference data for the demo hospital (codes are real ICD-10 and LOINC codes). */
export const DEPARTMENTS: [string, string][] = [
  ['CARD', 'Cardiology'], ['EMER', 'Emergency'], ['PAED', 'Paediatrics'], ['ORTH', 'Orthopaedics'], ['NEUR', 'Neurology'],
];

export const STAFF: { handle: string; role: TenantRole; title: string; specialty: string | null; department: number | null }[] = [
  { handle: 'dr.okafor', role: 'DOCTOR', title: 'Consultant', specialty: 'Cardiology', department: 0 },
  { handle: 'dr.lindqvist', role: 'DOCTOR', title: 'Registrar', specialty: 'Emergency medicine', department: 1 },
  { handle: 'dr.haddad', role: 'DOCTOR', title: 'Consultant', specialty: 'Paediatrics', department: 2 },
  { handle: 'nurse.mensah', role: 'NURSE', title: 'Charge nurse', specialty: null, department: 1 },
  { handle: 'nurse.kowalski', role: 'NURSE', title: 'Staff nurse', specialty: null, department: 0 },
  { handle: 'reception', role: 'RECEPTIONIST', title: 'Receptionist', specialty: null, department: null },
  { handle: 'lab', role: 'LAB_TECH', title: 'Biomedical scientist', specialty: 'Haematology', department: null },
  { handle: 'billing', role: 'BILLING', title: 'Billing officer', specialty: null, department: null },
];

export const DIAGNOSES: [string, string][] = [
  ['I10', 'Essential (primary) hypertension'], ['J45.909', 'Asthma, uncomplicated'], ['E11.9', 'Type 2 diabetes mellitus without complications'],
  ['M54.5', 'Low back pain'], ['J06.9', 'Acute upper respiratory infection'], ['S52.5', 'Fracture of lower end of radius'],
];

export const MEDICATIONS: [string, string, string][] = [
  ['Amlodipine', '5 mg', 'once daily'], ['Salbutamol', '100 µg', 'as needed'], ['Metformin', '500 mg', 'twice daily'],
  ['Ibuprofen', '400 mg', 'three times daily'], ['Amoxicillin', '500 mg', 'three times daily'],
];

/** code, name, analyte, unit, reference range, low, high */
export const LAB_TESTS: [string, string, string, string, string, number, number][] = [
  ['718-7', 'Haemoglobin', 'Haemoglobin', 'g/dL', '13.5–17.5', 13.5, 17.5],
  ['2345-7', 'Glucose', 'Glucose', 'mmol/L', '3.9–5.6', 3.9, 5.6],
  ['2160-0', 'Creatinine', 'Creatinine', 'µmol/L', '60–110', 60, 110],
  ['6690-2', 'White cell count', 'Leukocytes', '10^9/L', '4.0–11.0', 4, 11],
];
