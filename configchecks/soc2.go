package configchecks

// SOC2Criterion is one criterion of the AICPA Trust Services Criteria (2017, revised
// points of focus 2022) that Cairn's checks support.
type SOC2Criterion struct {
	ID    string
	Title string
}

// SOC2Criteria lists the criteria Check.SOC2 may name, in TSC order.
var SOC2Criteria = []SOC2Criterion{
	{"CC4.1", "Ongoing and separate evaluations ascertain whether the components of internal control are present and functioning"},
	{"CC6.1", "Logical access security software, infrastructure and architectures protect information assets"},
	{"CC6.2", "Users are registered, authorized and removed before credentials are issued"},
	{"CC6.3", "Access is authorized, modified and removed by role, with least privilege and segregation of duties"},
	{"CC6.6", "Logical access security measures protect against threats from outside the system boundaries"},
	{"CC6.7", "Transmission, movement and removal of information is restricted and protected"},
	{"CC6.8", "Unauthorized or malicious software is prevented or detected"},
	{"CC7.1", "Configuration changes and newly discovered vulnerabilities are detected"},
	{"CC7.2", "System components are monitored for anomalies indicating malicious acts, disasters and errors"},
	{"CC7.3", "Security events are evaluated to determine whether they are incidents"},
	{"CC7.4", "Identified security incidents are responded to"},
	{"CC7.5", "Activities to recover from identified security incidents are identified, developed and implemented"},
	{"CC8.1", "Changes to infrastructure and software are authorized, tested, approved and implemented"},
	{"CC9.1", "Risk mitigation activities are identified, selected and developed for risks arising from potential business disruptions"},
	{"A1.1", "Current processing capacity and use are maintained, monitored and evaluated to manage capacity demand"},
	{"A1.2", "Environmental protections, software, data backup and recovery infrastructure are in place"},
	{"C1.1", "Confidential information is identified and maintained to meet confidentiality objectives"},
	{"C1.2", "Confidential information is disposed of to meet confidentiality objectives"},
}

// SOC2Title returns the title of a criterion id, and whether it is known.
func SOC2Title(id string) (string, bool) {
	for _, c := range SOC2Criteria {
		if c.ID == id {
			return c.Title, true
		}
	}
	return "", false
}

// ManualSOC2 maps a category to the SOC 2 criteria of the MANUAL rows of CIS
// requirements in it (checks declare their own criteria).
var ManualSOC2 = map[Category][]string{
	CategoryIAM:          {"CC6.1", "CC6.2", "CC6.3"},
	CategoryData:         {"CC6.1", "CC6.7", "C1.1"},
	CategoryLogging:      {"CC7.2"},
	CategoryMonitoring:   {"CC7.2", "CC7.3"},
	CategoryNetwork:      {"CC6.1", "CC6.6"},
	CategoryThreat:       {"CC7.1", "CC7.2"},
	CategoryAvailability: {"A1.2"},
}
