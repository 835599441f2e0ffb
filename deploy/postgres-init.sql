-- One database per service: no service reads another's tables.
CREATE DATABASE sangkien_intake;
CREATE DATABASE sangkien_appraisal;
CREATE DATABASE sangkien_decision;
CREATE DATABASE sangkien_gateway;
