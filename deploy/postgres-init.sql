-- One database per service: no service reads another's tables. docker-compose.yml runs this
-- on PostgreSQL's first start (an empty data volume); deploy/check.sh checks that every
-- database a compose URL names is created here.
CREATE DATABASE sangkien_intake;
CREATE DATABASE sangkien_appraisal;
CREATE DATABASE sangkien_decision;
CREATE DATABASE sangkien_gateway;
